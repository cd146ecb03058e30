import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import { BlockStatus } from '../../src/chain/block-index.js';
import { Chain } from '../../src/chain/chain.js';
import { DEFAULT_FLUSH_POLICY } from '../../src/chain/flush-policy.js';
import { prepareReindex, replayBlocks } from '../../src/chain/reindex.js';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { networks } from '../../src/params/index.js';
import type { NetworkParams } from '../../src/params/types.js';
import { type Block, OutPoint, hashToHex } from '../../src/primitives/index.js';
import { type Logger, silentLogger } from '../../src/util/logger.js';
import { blockFileName, decodeBlockLocation } from '../../src/store/block-files.js';
import { BLOCK_FILES_DIR, ChainStore } from '../../src/store/chain-store.js';
import { isStoreError } from '../../src/store/errors.js';
import { blockKey } from '../../src/store/layout.js';
import { Branch, FAR_FUTURE, type Harness, TestKey, coinbaseOutpoint, describeCoins, openHarness, processAll, rebuildUtxoSet, storedUtxoSet } from '../helpers/chain-harness.js';
import { CountingVerifier } from '../helpers/counting-verifier.js';

/** Maturity 1 so coinbases are spendable at once; weekly spacing so two weeks of work is three blocks (assumevalid). */
const params: NetworkParams = { ...networks.regtest, coinbaseMaturity: 1, targetSpacing: 7 * 24 * 60 * 60 };
const key = new TestKey('coin-cache');
const CACHED = { flush: { ...DEFAULT_FLUSH_POLICY } };
const UNCACHED = { flush: { ...DEFAULT_FLUSH_POLICY, maxBytes: 0 } };

function spendCoinbase(source: Block, outputs = 3): ReturnType<TestKey['spend']> {
  const value = source.txs[0].outputs[0].value;
  const part = (value - 1_000n) / BigInt(outputs);
  return key.spend([{ outpoint: coinbaseOutpoint(source), value }], Array.from({ length: outputs }, () => ({ value: part, script: key.script })));
}

/** Spends output `index` of `tx` (paid to the key) into two outputs, in the same or a later block. */
function spendOutput(tx: ReturnType<TestKey['spend']>, index: number): ReturnType<TestKey['spend']> {
  const value = tx.outputs[index].value;
  return key.spend([{ outpoint: new OutPoint(tx.txidBytes(), index), value }], [{ value: value / 2n, script: key.script }, { value: value / 2n - 500n, script: key.script }]);
}

/**
 * A chain with spends (also of outputs created in the same block and a few blocks back), a
 * depth-3 reorg onto a fork with different spends, and a reorg back. Blocks in delivery order.
 */
function scenario(): Block[] {
  const main = Branch.fromGenesis(params, 1, key.script);
  const blocks = [...main.extend(3)];
  let carried: ReturnType<TestKey['spend']> | undefined;
  for (let i = 0; i < 6; i++) {
    const a = spendCoinbase(main.at(main.height - 1));
    const b = spendOutput(a, 1);
    const txs = carried ? [a, b, spendOutput(carried, 0)] : [a, b];
    blocks.push(main.next({ txs, fees: 1_500n }));
    carried = a;
  }
  // A fork three blocks down, spending other coins, overtakes; then the main chain comes back.
  const fork = main.forkAt(main.height - 3, 2, key.script);
  for (let i = 0; i < 4; i++) {
    const source = fork.at(fork.height - 1);
    blocks.push(fork.next({ txs: [spendCoinbase(source, 5)], fees: 1_000n }));
  }
  for (let i = 0; i < 3; i++) blocks.push(main.next({ txs: [spendCoinbase(main.at(main.height - 1), 2)], fees: 1_000n }));
  return blocks;
}

async function utxoHash(h: Harness): Promise<string> {
  return hashToHex((await h.chain.utxoStats()).hash);
}

class CapturingLogger implements Logger {
  readonly errors: Array<{ fields: Record<string, unknown>; message?: string }> = [];
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(fields: object, message?: string): void {
    this.errors.push({ fields: fields as Record<string, unknown>, message });
  }
}

/** Overwrites 64 bytes of a stored block body in its block file behind the store's back, as a damaged disk would. */
async function damageBody(dir: string, hash: string, offset = 40): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const location = decodeBlockLocation((await db.get(blockKey(Buffer.from(hash, 'hex').reverse())))!);
  await db.close();
  const file = await open(join(dir, BLOCK_FILES_DIR, blockFileName(location.file)), 'r+');
  await file.write(new Uint8Array(64).fill(0xee), 0, 64, location.offset + offset);
  await file.close();
}

async function openChain(dir: string, options: Parameters<typeof Chain.open>[0] = {}, verifier = new InlineVerifier(), logger: Logger = silentLogger) {
  const store = await ChainStore.open(dir, params);
  try {
    const chain = await Chain.open(options, { store, params, verifier, logger, now: () => FAR_FUTURE });
    return { store, chain, close: async () => (await chain.close(), await store.close()) };
  } catch (err) {
    await store.close();
    throw err;
  }
}

describe('the coin cache', () => {
  test('gives the same UTXO set hash as flushing every block, after every block and across reorgs', async () => {
    const cached = await openHarness({ params, chainOptions: CACHED });
    const uncached = await openHarness({ params, chainOptions: UNCACHED });
    try {
      let reorgs = 0;
      cached.chain.on('reorg', () => reorgs++);
      for (const block of scenario()) {
        await cached.chain.processBlock(block);
        await uncached.chain.processBlock(block);
        assert.equal(cached.chain.tip.hash, uncached.chain.tip.hash);
        assert.equal(await utxoHash(cached), await utxoHash(uncached), `UTXO hash at height ${cached.chain.height}`);
        assert.equal(uncached.store.cachedRecords, 0, 'flushing every block leaves nothing cached');
      }
      assert.equal(reorgs, 2);
      assert.ok(cached.store.cachedRecords > 0, 'catching up, the cache holds the chain state unflushed');
      // Readers see the cache: coin lookups, the coin iterator, verifychain.
      assert.deepEqual(describeCoins(await storedUtxoSet(cached.store)), describeCoins(await rebuildUtxoSet(cached.chain)));
      for (let height = 1; height <= cached.chain.height; height++) {
        const outpoint = coinbaseOutpoint((await cached.chain.getBlock(cached.chain.getEntryAtHeight(height)!.hash))!);
        assert.deepEqual(await cached.chain.getCoin(outpoint), await uncached.chain.getCoin(outpoint));
      }
      assert.equal((await cached.chain.verifyChain(0, 3)).ok, true);
      const before = await utxoHash(cached);
      await cached.reopen(); // a clean stop flushes
      assert.equal(cached.store.cachedRecords, 0);
      assert.equal(await utxoHash(cached), before);
      assert.equal(await utxoHash(uncached), before);
    } finally {
      await cached.close();
      await uncached.close();
    }
  });

  test('--reindex-chainstate and --reindex rebuild the same tip and UTXO set hash', async () => {
    const h = await openHarness({ params, chainOptions: CACHED });
    await processAll(h.chain, scenario());
    const tip = h.chain.tip.hash;
    const hash = await utxoHash(h);
    await h.chain.close();
    await h.store.close();
    for (const mode of ['chainstate', 'full'] as const) {
      const store = await ChainStore.open(h.dir, params);
      const plan = await prepareReindex(store, mode, params.genesisHash, silentLogger);
      assert.equal((await store.utxoStats()).count, 0, `${mode}: the UTXO set was dropped`);
      const chain = await Chain.open(CACHED, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
      await replayBlocks(chain, plan, silentLogger);
      assert.equal(chain.tip.hash, tip, mode);
      assert.equal(hashToHex((await chain.utxoStats()).hash), hash, mode);
      assert.equal((await chain.verifyChain(0, 3)).ok, true);
      await chain.close();
      await store.close();
    }
    await h.close().catch(() => undefined);
  });
});

describe('assumevalid', () => {
  test('skips signature checks for ancestors of the block buried two weeks deep, and checks the rest', async () => {
    // Spends at heights 3 and 8; assumevalid names block 6; the best chain ends at 10.
    const main = Branch.fromGenesis(params, 1, key.script);
    const blocks = main.extend(2);
    blocks.push(main.next({ txs: [spendCoinbase(main.at(1))], fees: 1_000n }));
    blocks.push(...main.extend(4));
    blocks.push(main.next({ txs: [spendCoinbase(main.at(7), 2), spendCoinbase(main.at(6), 2)], fees: 2_000n }));
    blocks.push(...main.extend(2));
    const assumeValid = main.at(6).hash();
    const h = await openHarness({ params });
    await processAll(h.chain, blocks);
    await h.chain.close();
    await h.store.close();
    const counts: Record<string, number> = {};
    for (const [name, options] of [['none', {}], ['assumevalid', { assumeValid }], ['unknown', { assumeValid: '11'.repeat(32) }]] as const) {
      const store = await ChainStore.open(h.dir, params);
      await prepareReindex(store, 'chainstate', params.genesisHash, silentLogger);
      const verifier = new CountingVerifier();
      const chain = await Chain.open(options, { store, params, verifier, now: () => FAR_FUTURE });
      assert.equal(chain.tip.hash, main.tip.hash());
      counts[name] = verifier.verified;
      await chain.close();
      await store.close();
    }
    assert.deepEqual(counts, { none: 3, assumevalid: 2, unknown: 3 }, 'block 3 (below, buried) skipped; block 8 (above) checked');
    // Processed block by block, the best header is the block itself: nothing is buried, all is checked.
    const verifier = new CountingVerifier();
    const fresh = await openHarness({ params, verifier, chainOptions: { assumeValid } });
    await processAll(fresh.chain, blocks);
    assert.equal(verifier.verified, 3);
    await fresh.close();
    await h.close().catch(() => undefined);
  });
});

describe('a damaged block record', () => {
  test('below the tip: logged naming block and height, marked lost, stored again when a peer delivers it', async () => {
    const h = await openHarness({ params, chainOptions: UNCACHED });
    const blocks = scenario();
    await processAll(h.chain, blocks);
    const victim = h.chain.getEntryAtHeight(3)!;
    const original = blocks.find((b) => b.hash() === victim.hash)!;
    await h.chain.close();
    await h.store.close();
    await damageBody(h.dir, victim.hash);
    const logger = new CapturingLogger();
    let node = await openChain(h.dir, UNCACHED, undefined, logger);
    const lost: string[] = [];
    node.chain.on('blockDataLost', ({ entry }) => lost.push(entry.hash));
    assert.equal(await node.chain.getBlock(victim.hash), undefined, 'an unreadable body is not served');
    assert.deepEqual(lost, [victim.hash]);
    const logged = logger.errors.find((e) => e.fields.hash === victim.hash);
    assert.ok(logged, 'logged at error level');
    assert.equal(logged.fields.height, 3);
    assert.match(String(logged.fields.key), new RegExp(victim.hash));
    assert.equal(node.chain.getEntry(victim.hash)!.has(BlockStatus.HAVE_DATA), false);
    assert.deepEqual(node.chain.lostBlocks().map((e) => e.hash), [victim.hash]);
    await node.close();
    node = await openChain(h.dir, UNCACHED);
    assert.deepEqual(node.chain.lostBlocks().map((e) => e.hash), [victim.hash], 'the lost mark is persisted');
    assert.equal((await node.chain.processBlock(original)).status, 'connected');
    assert.equal((await node.chain.getBlock(victim.hash))?.hash(), victim.hash);
    assert.deepEqual(node.chain.lostBlocks(), []);
    await node.close();
    await h.close();
  });

  test('at the tip: the node refuses to start naming the block and --reindex, which rebuilds without it', async () => {
    const h = await openHarness({ params, chainOptions: UNCACHED });
    await processAll(h.chain, scenario());
    const tip = h.chain.tip;
    const parent = tip.parent!.hash;
    await h.chain.close();
    await h.store.close();
    await damageBody(h.dir, tip.hash, 100);
    await assert.rejects(openChain(h.dir), (err: unknown) => {
      assert.ok(isStoreError(err, 'corrupt'));
      assert.match(err.message, new RegExp(`block ${tip.hash} at height ${tip.height}`));
      assert.match(err.message, /--reindex/);
      return true;
    });
    const store = await ChainStore.open(h.dir, params);
    const plan = await prepareReindex(store, 'full', params.genesisHash, silentLogger);
    const chain = await Chain.open({}, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
    await replayBlocks(chain, plan, silentLogger);
    assert.equal(chain.tip.hash, parent, 'rebuilt up to the last readable block');
    assert.equal((await chain.verifyChain(0, 3)).ok, true);
    await chain.close();
    await store.close();
    await h.close();
  });
});
