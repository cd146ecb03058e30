/**
 * The basic block filter index on a real chain and LevelDB: catch-up, following, a reorg (the
 * new branch's headers chain onto the fork point), restart. Each block's filter is checked
 * against one built here from the block, and each header against its parent's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FilterIndexer } from '../../src/chain/filter-indexer.js';
import { basicFilterElements, buildGcsFilter, filterHeader } from '../../src/primitives/block-filter.js';
import { ZERO_HASH, hexToHash, toHex } from '../../src/primitives/bytes.js';
import type { Block } from '../../src/primitives/block.js';
import { FilterIndexStore } from '../../src/store/filter-index-store.js';
import { Branch, type Harness, openHarness, processAll } from '../helpers/chain-harness.js';

async function settled(indexer: FilterIndexer, chainHeight: () => number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(indexer.info().synced && indexer.info().best_block_height === chainHeight())) {
    if (Date.now() > deadline) throw new Error(`the index did not catch up: ${JSON.stringify(indexer.info())}`);
    await indexer.idle();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The harness's blocks spend nothing but create coinbase outputs: the filter is of those. */
function expectedFilter(block: Block): Uint8Array {
  assert.equal(block.txs.length, 1, 'these blocks hold only a coinbase');
  return buildGcsFilter(hexToHash(block.hash()), basicFilterElements(block.txs[0].outputs.map((o) => o.script), []));
}

describe('FilterIndexer', () => {
  let h: Harness;
  let store: FilterIndexStore;
  let indexer: FilterIndexer;
  let main: Branch;

  async function checkChain(branch: Branch, from: number, to: number): Promise<void> {
    for (let height = from; height <= to; height++) {
      const block = branch.at(height);
      const record = await indexer.filter(block.hash());
      assert.ok(record, `block ${height} indexed`);
      assert.equal(toHex(record.filter), toHex(expectedFilter(block)), `filter of block ${height}`);
      const parent = height === 0 ? undefined : await indexer.filter(branch.at(height - 1).hash());
      assert.equal(toHex(record.header), toHex(filterHeader(record.filter, parent?.header ?? ZERO_HASH)), `header of block ${height}`);
    }
  }

  before(async () => {
    h = await openHarness();
    main = Branch.fromGenesis(h.params, 1);
    await processAll(h.chain, main.extend(30));
    store = await FilterIndexStore.open(join(h.dir, 'indexes', 'blockfilter', 'basic'));
    indexer = new FilterIndexer(store, h.chain);
    indexer.start();
  });
  after(async () => {
    await indexer.stop();
    await store.close();
    await h.close();
  });

  test('catches up from genesis, then follows new blocks; every header chains onto its parent’s', async () => {
    await settled(indexer, () => h.chain.height);
    await processAll(h.chain, main.extend(2));
    await settled(indexer, () => h.chain.height);
    await checkChain(main, 0, 32);
  });

  test('after a reorg the new branch is indexed on the fork point’s headers', async () => {
    const fork = main.forkAt(29, 9);
    await processAll(h.chain, fork.extend(5));
    assert.equal(h.chain.tip.hash, fork.tip.hash());
    await settled(indexer, () => h.chain.height);
    await checkChain(fork, 28, 34);
    main = fork;
  });

  test('restart continues from the stored best block', async () => {
    await indexer.stop();
    assert.equal((await store.best())?.height, 34);
    indexer = new FilterIndexer(store, h.chain);
    await processAll(h.chain, main.extend(1));
    indexer.start();
    await settled(indexer, () => h.chain.height);
    await checkChain(main, 33, 35);
  });
});
