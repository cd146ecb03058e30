/**
 * A connect's coins held whole as a layer of the write-back cache (write-cache.ts, CoinLayer):
 * read through before the flush, folded into the records in order, and written to LevelDB as
 * if each coin had been written on its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreatedOutputs } from '../../src/consensus/created-outputs.js';
import { type Coin, OutPoint, Transaction } from '../../src/primitives/index.js';
import type { CoinLayer } from '../../src/store/batch.js';
import { ChainStore, coinKey } from '../../src/store/index.js';
import { decodeCoin } from '../../src/store/layout.js';
import { WriteCache } from '../../src/store/write-cache.js';
import { beginFlushWrites, coin, outpoint, p2wpkhScript, testParams, withTempDir } from './helpers.js';

const params = testParams();
const HEIGHT = 10;

/** A tx with `outputs` outputs (paying 1,000 sat times n, n + 1, ...), spending an unrelated coin. */
function payment(n: number, outputs = 1): Transaction {
  return new Transaction({
    version: 2,
    inputs: [{ prevout: outpoint(1_000 + n), scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [] }],
    outputs: Array.from({ length: outputs }, (_, i) => ({ value: 1_000n * BigInt(n + i), script: p2wpkhScript(n + i) })),
    locktime: 0,
  });
}

function out(tx: Transaction, index = 0): OutPoint {
  return new OutPoint(tx.txidBytes(), index);
}

/** The coin output `index` of `tx` is, once its block connects. */
function coinOf(tx: Transaction, index = 0): Coin {
  const output = tx.outputs[index];
  return { value: output.value, script: output.script, height: HEIGHT, coinbase: false };
}

/** A layer spending `spent` and creating `created`'s outputs, as a connect's overlay makes it. */
function layer(spent: OutPoint[], created: Transaction[]): CoinLayer {
  return {
    spent: spent.map((op) => ({ outpoint: op })),
    spentKeys: new Set(spent.map((op) => op.key())),
    created: new Map(created.map((tx) => [tx.txid(), new CreatedOutputs(tx, HEIGHT, false)])),
  };
}

/** What LevelDB itself holds for `op`, past the cache. */
async function stored(dir: string, ops: OutPoint[]): Promise<Array<Coin | undefined>> {
  const store = await ChainStore.open(dir, params);
  try {
    return await store.getCoins(ops);
  } finally {
    await store.close();
  }
}

describe('coin layers', () => {
  it('a connect layer is read through before the flush and written by it, the spent coins deleted', async () => {
    const tx = payment(3, 2);
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        await store.cachedBatch().addCoin(outpoint(1), coin(1)).addCoin(outpoint(2), coin(2)).write();
        await store.flush();
        await store.cachedBatch().connectCoins(layer([outpoint(1)], [tx])).write();
        assert.equal(store.cachedRecords, 3, 'the layer counts its coins as waiting');
        assert.deepEqual(await store.getCoins([outpoint(1), outpoint(2), out(tx, 0), out(tx, 1), out(tx, 2)]), [undefined, coin(2), coinOf(tx, 0), coinOf(tx, 1), undefined]);
        assert.equal(await store.getCoin(outpoint(1)), undefined, 'a spent coin still clean in memory is not read back');
        await store.flush();
        assert.equal(store.cachedRecords, 0);
      } finally {
        await store.close();
      }
      assert.deepEqual(await stored(dir, [outpoint(1), outpoint(2), out(tx, 0), out(tx, 1)]), [undefined, coin(2), coinOf(tx, 0), coinOf(tx, 1)]);
    });
  });

  it('a coin created by one layer and spent by the next never reaches the disk', async () => {
    const first = payment(5, 2);
    const second = payment(7);
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        await store.cachedBatch().connectCoins(layer([], [first])).write();
        await store.cachedBatch().connectCoins(layer([out(first, 0)], [second])).write();
        assert.deepEqual(await store.getCoins([out(first, 0), out(first, 1), out(second)]), [undefined, coinOf(first, 1), coinOf(second)]);
        await store.flush();
      } finally {
        await store.close();
      }
      assert.deepEqual(await stored(dir, [out(first, 0), out(first, 1), out(second)]), [undefined, coinOf(first, 1), coinOf(second)]);
    });
  });

  it('a coin write of another kind (a disconnect) folds the layers first, so it is not overtaken', () => {
    const cache = new WriteCache();
    const tx = payment(2);
    cache.apply([{ type: 'coins', layer: layer([outpoint(1)], [tx]) }]);
    assert.equal(cache.layerCount, 1);
    // The disconnect: the block's output goes, the coin it spent comes back.
    cache.apply([
      { type: 'coin', outpoint: out(tx), coin: undefined },
      { type: 'coin', outpoint: outpoint(1), coin: coin(1) },
    ]);
    assert.equal(cache.layerCount, 0);
    assert.deepEqual(cache.lookupCoin(outpoint(1)), { found: true, coin: coin(1) });
    assert.deepEqual(cache.lookupCoin(out(tx)), { found: false }, 'created then spent before any flush: no record at all');
    const writes = beginFlushWrites(cache).map((op) => [op.type, op.type === 'put' ? decodeCoin(op.key, op.value) : op.key]);
    assert.deepEqual(writes, [['put', coin(1)]]);
  });

  it('a record that is not a coin (the tip, an index entry) leaves the layers where they are', () => {
    const cache = new WriteCache();
    cache.apply([{ type: 'coins', layer: layer([], [payment(2)]) }]);
    cache.apply([{ type: 'put', key: new Uint8Array([0x74]), value: new Uint8Array([1]) }]);
    assert.equal(cache.layerCount, 1);
    assert.equal(cache.count, 2);
  });

  it('a second connect folds the layer of the first, and reads still see every write in order', () => {
    const cache = new WriteCache();
    // Each block spends the coin the one before created, and makes its own.
    const txs = Array.from({ length: 12 }, (_, i) => payment(100 + i));
    txs.forEach((tx, i) => cache.apply([{ type: 'coins', layer: layer(i === 0 ? [] : [out(txs[i - 1])], [tx]) }]));
    assert.equal(cache.layerCount, 1);
    for (let i = 0; i < 11; i++) assert.deepEqual(cache.lookupCoin(out(txs[i])), i < 10 ? { found: false } : { found: true, coin: undefined }, `coin ${i}`);
    assert.deepEqual(cache.lookupCoin(out(txs[11])), { found: true, coin: coinOf(txs[11]) });
    const writes = beginFlushWrites(cache);
    assert.deepEqual(writes.map((op) => op.type), ['put'], 'only the last coin is left to write');
    assert.deepEqual(writes[0].key, coinKey(out(txs[11])));
  });

  it('a layer added while a flush is under way sits above the records that flush gives back if it fails', () => {
    const cache = new WriteCache();
    cache.apply([{ type: 'coin', outpoint: outpoint(1), coin: coin(1) }]);
    beginFlushWrites(cache);
    cache.flushed(); // coin 1 is on disk
    cache.apply([{ type: 'coin', outpoint: outpoint(3), coin: coin(3) }]);
    beginFlushWrites(cache); // coin 3 on its way, and this write will fail
    const tx = payment(2);
    cache.apply([{ type: 'coins', layer: layer([outpoint(1), outpoint(3)], [tx]) }]);
    cache.flushFailed();
    assert.deepEqual(cache.lookupCoin(outpoint(1)), { found: true, coin: undefined });
    assert.deepEqual(cache.lookupCoin(outpoint(3)), { found: true, coin: undefined }, 'the layer, not the record given back');
    const writes = beginFlushWrites(cache).map((op) => `${op.type} ${Buffer.from(op.key).toString('hex')}`);
    // Coin 3 never reached the disk: its put and the layer's spend cancel. Coin 1 did: it is deleted.
    assert.deepEqual(writes.sort(), [`del ${Buffer.from(coinKey(outpoint(1))).toString('hex')}`, `put ${Buffer.from(coinKey(out(tx))).toString('hex')}`].sort());
  });

  it('a flush is in progress from taking the records until its write lands or fails', () => {
    const cache = new WriteCache();
    cache.apply([{ type: 'coins', layer: layer([outpoint(1)], [payment(2)]) }]);
    assert.equal(cache.flushInProgress, false);
    beginFlushWrites(cache);
    assert.equal(cache.count, 0, 'nothing waits any more');
    assert.equal(cache.flushInProgress, true, 'but the write has not landed');
    cache.flushed();
    assert.equal(cache.flushInProgress, false);
    cache.apply([{ type: 'coin', outpoint: outpoint(3), coin: coin(3) }]);
    beginFlushWrites(cache);
    cache.flushFailed();
    assert.equal(cache.flushInProgress, false);
    assert.equal(cache.count, 1, 'the failed write gave its record back');
  });

  it('a flush writes a lone layer straight from its maps, after the records, and reads see it until the write lands', () => {
    const cache = new WriteCache();
    const tx = payment(4, 2);
    cache.apply([{ type: 'put', key: new Uint8Array([0x74]), value: new Uint8Array([7]) }]);
    cache.apply([{ type: 'coins', layer: layer([outpoint(1)], [tx]) }]);
    const writes = beginFlushWrites(cache).map((op) => `${op.type} ${Buffer.from(op.key).toString('hex')}`);
    const hex = (op: OutPoint) => Buffer.from(coinKey(op)).toString('hex');
    assert.deepEqual(writes, ['put 74', `del ${hex(outpoint(1))}`, `put ${hex(out(tx, 0))}`, `put ${hex(out(tx, 1))}`], 'the other records first, then the layer in order');
    assert.equal(cache.layerCount, 0, 'the flush took the layer');
    assert.deepEqual(cache.lookupCoin(out(tx, 1)), { found: true, coin: coinOf(tx, 1) }, 'a coin being written');
    assert.deepEqual(cache.lookupCoin(outpoint(1)), { found: true, coin: undefined }, 'a spend being written');
    assert.deepEqual(
      cache.sortedUnder(0x63).map(([key, value]) => [Buffer.from(key).toString('hex'), value && decodeCoin(key, value)]),
      [[hex(outpoint(1)), undefined], [hex(out(tx, 0)), coinOf(tx, 0)], [hex(out(tx, 1)), coinOf(tx, 1)]].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
      'a scan sees the layer being written',
    );
    cache.flushed();
    assert.deepEqual(cache.lookupCoin(out(tx, 0)), { found: true, coin: coinOf(tx, 0) }, 'written: now a clean coin');
    assert.equal(cache.cleanCount, 2);
    assert.deepEqual(cache.lookupCoin(outpoint(1)), { found: false }, 'written: the database answers for the spend');
  });

  it('a coin the flush under way writes is not fresh: written again and spent before the next flush, its deletion reaches the disk', () => {
    const cache = new WriteCache();
    const tx = payment(6);
    cache.apply([{ type: 'coins', layer: layer([], [tx]) }]);
    beginFlushWrites(cache);
    // While the layer is written: the coin written once more (a reconnect), then spent.
    cache.apply([{ type: 'coin', outpoint: out(tx), coin: coinOf(tx) }]);
    cache.apply([{ type: 'coin', outpoint: out(tx), coin: undefined }]);
    assert.deepEqual(cache.lookupCoin(out(tx)), { found: true, coin: undefined });
    cache.flushed();
    assert.deepEqual(cache.lookupCoin(out(tx)), { found: true, coin: undefined }, 'the newer spend still wins over the written coin');
    const writes = beginFlushWrites(cache).map((op) => `${op.type} ${Buffer.from(op.key).toString('hex')}`);
    assert.deepEqual(writes, [`del ${Buffer.from(coinKey(out(tx))).toString('hex')}`], 'the disk holds the coin: its spend must reach it');
  });

  it('a lone layer whose flush fails comes back under the records written since, its coins fresh again', () => {
    const cache = new WriteCache();
    const tx = payment(8, 2);
    cache.apply([{ type: 'coins', layer: layer([outpoint(1)], [tx]) }]);
    beginFlushWrites(cache);
    // Written while the flush is under way: a spend of one of the layer's coins.
    cache.apply([{ type: 'coin', outpoint: out(tx, 1), coin: undefined }]);
    cache.flushFailed();
    assert.deepEqual(cache.lookupCoin(out(tx, 0)), { found: true, coin: coinOf(tx, 0) });
    assert.deepEqual(cache.lookupCoin(out(tx, 1)), { found: true, coin: undefined }, 'the newer spend wins');
    assert.deepEqual(cache.lookupCoin(outpoint(1)), { found: true, coin: undefined });
    // Spent again before a flush lands: a fresh coin leaves no write at all.
    cache.apply([{ type: 'coin', outpoint: out(tx, 0), coin: undefined }]);
    const writes = beginFlushWrites(cache).map((op) => `${op.type} ${Buffer.from(op.key).toString('hex')}`).sort();
    const hex = (op: OutPoint) => Buffer.from(coinKey(op)).toString('hex');
    assert.deepEqual(writes, [`del ${hex(outpoint(1))}`, `del ${hex(out(tx, 1))}`].sort());
  });

  it('a direct write of a layer (no cache) writes its coins and drops what the cache held for them', async () => {
    const tx = payment(9);
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        await store.cachedBatch().addCoin(outpoint(8), coin(8)).write();
        await store.batch().connectCoins(layer([outpoint(8)], [tx])).write();
        assert.deepEqual(await store.getCoins([outpoint(8), out(tx)]), [undefined, coinOf(tx)]);
        await store.flush();
      } finally {
        await store.close();
      }
      assert.deepEqual(await stored(dir, [outpoint(8), out(tx)]), [undefined, coinOf(tx)]);
    });
  });
});
