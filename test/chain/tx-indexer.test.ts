/** The transaction index on a real chain and LevelDB: catch-up, following, reorgs, restart, a lost flush. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Block } from '../../src/primitives/block.js';
import { TxIndexer } from '../../src/chain/tx-indexer.js';
import { TxIndexStore } from '../../src/store/tx-index-store.js';
import { Branch, type Harness, openHarness, processAll } from '../helpers/chain-harness.js';

async function settled(indexer: TxIndexer, chainHeight: () => number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(indexer.info().synced && indexer.info().best_block_height === chainHeight())) {
    if (Date.now() > deadline) throw new Error(`the index did not catch up: ${JSON.stringify(indexer.info())}`);
    await indexer.idle();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const coinbaseTxid = (block: Block): string => block.txs[0].txid();

describe('TxIndexer', () => {
  let h: Harness;
  let store: TxIndexStore;
  let indexer: TxIndexer;
  let main: Branch;
  const indexDir = () => join(h.dir, 'indexes', 'txindex');

  before(async () => {
    h = await openHarness();
    main = Branch.fromGenesis(h.params, 1);
    // Blocks exist before the index does: the first pass catches up with them.
    await processAll(h.chain, main.extend(120));
    store = await TxIndexStore.open(indexDir());
    indexer = new TxIndexer(store, h.chain);
    indexer.start();
  });
  after(async () => {
    await indexer.stop();
    await store.close();
    await h.close();
  });

  test('catches up from genesis in the background, then follows new blocks', async () => {
    await settled(indexer, () => h.chain.height);
    assert.deepEqual(indexer.info(), { synced: true, best_block_height: 120 });
    for (const height of [1, 60, 120]) assert.equal(await indexer.blockOf(coinbaseTxid(main.at(height))), main.at(height).hash());
    assert.equal(await indexer.blockOf(coinbaseTxid(main.at(0))), undefined, 'genesis is not indexed');
    await processAll(h.chain, main.extend(2));
    await settled(indexer, () => h.chain.height);
    assert.equal(await indexer.blockOf(coinbaseTxid(main.at(122))), main.at(122).hash());
  });

  test('a reorg removes the old branch and indexes the new one', async () => {
    const fork = main.forkAt(119, 9);
    const replaced = [main.at(120), main.at(121), main.at(122)];
    await processAll(h.chain, fork.extend(5));
    assert.equal(h.chain.tip.hash, fork.tip.hash());
    await settled(indexer, () => h.chain.height);
    assert.equal(indexer.info().best_block_height, 124);
    for (const block of replaced) assert.equal(await indexer.blockOf(coinbaseTxid(block)), undefined, `block ${block.hash()} left the main chain`);
    // Removed from the store itself, not only hidden by the main-chain check.
    for (const block of replaced) assert.equal(await store.blockOf(block.txs[0].txidBytes()), undefined);
    for (let height = 120; height <= 124; height++) assert.equal(await indexer.blockOf(coinbaseTxid(fork.at(height))), fork.at(height).hash());
    main = fork;
  });

  test('restart continues from the stored best block', async () => {
    await indexer.stop();
    const best = await store.best();
    assert.equal(best?.height, 124);
    indexer = new TxIndexer(store, h.chain);
    assert.deepEqual(indexer.info(), { synced: false, best_block_height: -1 });
    await processAll(h.chain, main.extend(1));
    indexer.start();
    await settled(indexer, () => h.chain.height);
    assert.equal(await indexer.blockOf(coinbaseTxid(main.at(125))), main.at(125).hash());
    assert.equal(await indexer.blockOf(coinbaseTxid(main.at(3))), main.at(3).hash());
  });

  test('an index ahead of the chain (the chain lost its last flush) is rebuilt', async () => {
    await indexer.stop();
    const unknown = new Uint8Array(32).fill(7);
    await store.apply({ txids: [], blockHash: unknown, remove: false, best: { hash: unknown, height: 999 } });
    indexer = new TxIndexer(store, h.chain);
    indexer.start();
    await settled(indexer, () => h.chain.height);
    assert.equal((await store.best())?.height, h.chain.height);
    assert.equal(await indexer.blockOf(coinbaseTxid(main.at(10))), main.at(10).hash());
  });
});
