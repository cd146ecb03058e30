/**
 * loadtxoutset's crash safety: a child process loads a 50,000-coin snapshot into a real chain
 * store and is killed with SIGKILL at moments spread over the load. Each store then opens as a
 * node would: either without the snapshot (genesis tip, no coins) or with all of it (the base as
 * tip, the UTXO set hashing to the network's assumeutxo entry), never in between, and with no
 * staged coins or install record left behind.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { hashToHex } from '../../src/primitives/bytes.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { FAR_FUTURE } from '../helpers/chain-harness.js';
import { startChild } from './fixtures/killable-child.js';
import { BASE_HEIGHT, scenarioParams, writeScenarioSnapshot } from './fixtures/snapshot-scenario.js';

const ROUNDS = 8;

type Phase = 'before-staging' | 'staging' | 'installing';

describe('loadtxoutset crash safety', () => {
  test(`SIGKILL at ${ROUNDS} moments of a snapshot load: the store opens without the snapshot or with all of it`, async () => {
    const work = await mkdtemp(join(tmpdir(), 'powcoin-snapshot-crash-'));
    try {
      const path = join(work, 'snapshot.dat');
      const entry = writeScenarioSnapshot(path, 25_000);
      const params = scenarioParams(entry);
      const args = (dir: string) => [dir, path, JSON.stringify({ blockHash: entry.blockHash, txoutsetHash: entry.txoutsetHash })];

      /** What the kill left on disk (read before a chain opens and resumes), then the state a node opens to. */
      const inspect = async (dir: string): Promise<{ phase: Phase | 'done'; loaded: boolean }> => {
        let phase: Phase | 'done';
        const raw = await ChainStore.open(dir, params);
        try {
          const staged = (await raw.stagedCoinStats()).count;
          phase = (await raw.getSnapshotInstall()) ? 'installing' : (await raw.getSnapshotBase()) ? 'done' : staged > 0 ? 'staging' : 'before-staging';
        } finally {
          await raw.close();
        }
        const store = await ChainStore.open(dir, params);
        try {
          const chain = await Chain.open({}, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
          const stats = await chain.utxoStats();
          const loaded = chain.snapshotBase !== undefined;
          if (loaded) {
            assert.deepEqual([chain.height, chain.tip.hash, stats.count, hashToHex(stats.hash)], [BASE_HEIGHT, entry.blockHash, entry.coins, entry.txoutsetHash]);
          } else {
            assert.deepEqual([chain.height, stats.count], [0, 0]);
          }
          assert.equal((await store.stagedCoinStats()).count, 0, 'no staged coins left');
          assert.equal(await store.getSnapshotInstall(), undefined, 'no install record left');
          await chain.close();
          return { phase, loaded };
        } finally {
          await store.close();
        }
      };

      // One load to the end, timed, so the kills can be spread over its length.
      const full = startChild('snapshot-child.ts', args(join(work, 'full')));
      await full.ready;
      const started = Date.now();
      assert.equal(await full.exited, 0);
      const duration = Date.now() - started;
      assert.deepEqual(await inspect(join(work, 'full')), { phase: 'done', loaded: true });

      const phases: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const dir = join(work, `round-${round}`);
        const { child, ready, exited } = startChild('snapshot-child.ts', args(dir));
        await ready;
        await new Promise((resolve) => setTimeout(resolve, ((round + 0.5) / ROUNDS) * duration));
        child.kill('SIGKILL');
        await exited;
        const { phase, loaded } = await inspect(dir);
        // An install under way is finished at open; a load cut short before it leaves nothing.
        assert.equal(loaded, phase === 'installing' || phase === 'done', `round ${round} (${phase})`);
        phases.push(phase);
      }
      console.log(`full load ${duration} ms; kills landed in: ${phases.join(', ')}`);
      assert.ok(phases.some((p) => p === 'staging' || p === 'installing'), `some kill landed inside the load: ${phases.join(', ')}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
