/**
 * loadtxoutset in process, on a real chain store: the loaded state survives a restart (the
 * start-up check stops at the base, whose ancestors have no bodies), and a --reindex-chainstate
 * drops the snapshot with the UTXO set it replaced, as Core drops its snapshot chainstate.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { prepareReindex, replayBlocks } from '../../src/chain/reindex.js';
import { hashToHex } from '../../src/primitives/bytes.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { silentLogger } from '../../src/util/logger.js';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { FAR_FUTURE } from '../helpers/chain-harness.js';
import { BASE_HEIGHT, scenarioHeaders, scenarioParams, writeScenarioSnapshot } from './fixtures/snapshot-scenario.js';

describe('a loaded UTXO snapshot across restarts and a reindex', () => {
  test('load, restart, reindex-chainstate', async () => {
    const work = await mkdtemp(join(tmpdir(), 'powcoin-snapshot-load-'));
    const path = join(work, 'snapshot.dat');
    const entry = writeScenarioSnapshot(path, 500);
    const params = scenarioParams(entry);
    const dir = join(work, 'chain');
    const open = async () => {
      const store = await ChainStore.open(dir, params);
      const chain = await Chain.open({}, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
      return { store, chain, close: async () => (await chain.close(), await store.close()) };
    };
    try {
      const first = await open();
      await first.chain.processHeaders(scenarioHeaders());
      const result = await first.chain.loadSnapshot(path);
      assert.deepEqual([result.coinsLoaded, result.base.hash], [entry.coins, entry.blockHash]);
      await first.close();

      const second = await open();
      const stats = await second.chain.utxoStats();
      assert.deepEqual([second.chain.height, second.chain.snapshotBase?.hash, stats.count, hashToHex(stats.hash)], [BASE_HEIGHT, entry.blockHash, entry.coins, entry.txoutsetHash]);
      assert.equal((await second.chain.verifyChain(0, 3)).ok, true, 'nothing to check at or below the base');
      await second.close();

      const store = await ChainStore.open(dir, params);
      const plan = await prepareReindex(store, 'chainstate', params.genesisHash, silentLogger);
      const chain = await Chain.open({}, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
      await replayBlocks(chain, plan, silentLogger);
      assert.deepEqual([chain.height, chain.snapshotBase, (await chain.utxoStats()).count], [0, undefined, 0]);
      await chain.close();
      await store.close();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
