/**
 * The clean coins under the write-back cache (write-cache.ts): coins read from LevelDB or just
 * flushed stay in memory, and never disagree with the database.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainStore, coinKey, Prefix } from '../../src/store/index.js';
import { encodeCoin } from '../../src/store/layout.js';
import { WriteCache } from '../../src/store/write-cache.js';
import { beginFlushWrites, coin, outpoint, testParams, withTempDir } from './helpers.js';

const params = testParams();

describe('clean coins', () => {
  it('a flush keeps what it wrote in memory; spending a coin drops it from memory and disk', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        const batch = store.cachedBatch();
        for (let i = 0; i < 5; i++) batch.addCoin(outpoint(7, i), coin(100 + i));
        await batch.write();
        assert.equal(store.cleanCoins, 0, 'dirty records are not clean coins');
        await store.flush();
        assert.equal(store.cleanCoins, 5);
        assert.deepEqual(await store.getCoin(outpoint(7, 2)), coin(102));

        await store.cachedBatch().spendCoin(outpoint(7, 2)).write();
        assert.equal(store.cleanCoins, 4, 'a write takes the key out of the clean coins');
        assert.equal(await store.getCoin(outpoint(7, 2)), undefined);
        await store.flush();
        assert.equal(await store.getCoin(outpoint(7, 2)), undefined, 'the flushed spend is not undone by a clean copy');
        assert.deepEqual(await store.getCoins([outpoint(7, 1), outpoint(7, 2), outpoint(7, 3)]), [coin(101), undefined, coin(103)]);
      } finally {
        await store.close();
      }
      const reopened = await ChainStore.open(dir, params);
      try {
        assert.equal(await reopened.getCoin(outpoint(7, 2)), undefined);
        assert.deepEqual(await reopened.getCoin(outpoint(7, 4)), coin(104));
      } finally {
        await reopened.close();
      }
    });
  });

  it('a coin is decoded once: the one a connect added, or the first read of a stored one, is handed out again', async () => {
    await withTempDir(async (dir) => {
      const first = await ChainStore.open(dir, params);
      try {
        const added = coin(5);
        await first.cachedBatch().addCoin(outpoint(9, 0), added).write();
        assert.equal(await first.getCoin(outpoint(9, 0)), added, 'the dirty record hands out the coin it was given');
        await first.flush();
        assert.equal((await first.getCoins([outpoint(9, 0)]))[0], added, 'and so does the clean coin the flush left');
      } finally {
        await first.close();
      }
      const reopened = await ChainStore.open(dir, params);
      try {
        const read = await reopened.getCoin(outpoint(9, 0));
        assert.deepEqual(read, coin(5));
        assert.equal((await reopened.getCoins([outpoint(9, 0)]))[0], read, 'read from disk, decoded once');
      } finally {
        await reopened.close();
      }
    });
  });

  it('coins read from the database stay in memory, misses do not', async () => {
    await withTempDir(async (dir) => {
      const first = await ChainStore.open(dir, params);
      await first.batch().addCoin(outpoint(8, 0), coin(1)).addCoin(outpoint(8, 1), coin(2)).write();
      await first.close();
      const store = await ChainStore.open(dir, params);
      try {
        assert.equal(store.cleanCoins, 0);
        assert.deepEqual(await store.getCoins([outpoint(8, 0), outpoint(9, 0)]), [coin(1), undefined]);
        assert.equal(store.cleanCoins, 1);
        assert.deepEqual(await store.getCoin(outpoint(8, 1)), coin(2));
        assert.equal(store.cleanCoins, 2);
      } finally {
        await store.close();
      }
    });
  });

  it('a direct write and a wipe leave no stale clean coin', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        await store.cachedBatch().addCoin(outpoint(3, 0), coin(5)).addCoin(outpoint(3, 1), coin(6)).write();
        await store.flush();
        assert.equal(store.cleanCoins, 2);
        await store.batch().spendCoin(outpoint(3, 0)).write();
        assert.equal(await store.getCoin(outpoint(3, 0)), undefined);
        await store.wipe([Prefix.COIN]);
        assert.equal(store.cleanCoins, 0);
        assert.equal(await store.getCoin(outpoint(3, 1)), undefined);
      } finally {
        await store.close();
      }
    });
  });

  it('a database read that raced a write is not kept', () => {
    const cache = new WriteCache();
    const key = coinKey(outpoint(4, 0));
    const before = cache.readGeneration;
    // The read started, then the coin was spent, then the (older) value read arrives.
    cache.apply([{ type: 'del', key }]);
    cache.rememberCoins([outpoint(4, 0)], [coin(9)], before);
    assert.equal(cache.cleanCount, 0);
    const now = cache.readGeneration;
    cache.rememberCoins([outpoint(4, 0)], [coin(9)], now);
    assert.equal(cache.cleanCount, 1, 'a read with no write since is kept');
  });

  it('a coin is the same record whether reached by its outpoint or by its key bytes, and sorts by its bytes', () => {
    const cache = new WriteCache();
    // Indexes 10 and 2: decimal text sorts them one way, their big-endian bytes the other.
    const [a, b, c] = [outpoint(7, 10), outpoint(7, 2), outpoint(8, 256)];
    const added = coin(1);
    cache.apply([{ type: 'coin', outpoint: a, coin: added }]);
    cache.apply([{ type: 'put', key: coinKey(b), value: encodeCoin(coin(2)) }]);
    assert.deepEqual(cache.lookup(coinKey(a)), { found: true, value: encodeCoin(added) }, 'written by outpoint, read by bytes: encoded then');
    assert.deepEqual(cache.lookupCoin(b), { found: true, coin: coin(2) }, 'written by bytes, read by outpoint');
    cache.forget([{ type: 'del', key: coinKey(a) }]);
    assert.equal(cache.lookupCoin(a).found, false, 'a direct write by bytes supersedes it');
    cache.rememberCoins([c], [coin(3)], cache.readGeneration);
    assert.equal(cache.lookup(coinKey(c)).found, true, 'kept clean by outpoint, read by bytes');
    cache.apply([{ type: 'coin', outpoint: c, coin: coin(4) }, { type: 'coin', outpoint: a, coin: coin(5) }]);
    const keys = cache.sortedUnder(Prefix.COIN).map(([key]) => Buffer.from(key).toString('hex'));
    assert.deepEqual(keys, [...keys].sort(), 'in LevelDB order');
    assert.equal(keys.length, 3);
  });

  it('holds a coin as the object written and encodes it only for the flush', () => {
    const cache = new WriteCache();
    const [a, b] = [outpoint(2, 0), outpoint(2, 1)];
    const added = coin(7);
    cache.apply([{ type: 'coin', outpoint: a, coin: added }, { type: 'coin', outpoint: b, coin: coin(8) }]);
    const found = cache.lookupCoin(a);
    assert.equal(found.found && found.coin, added, 'the very object');
    cache.apply([{ type: 'coin', outpoint: b, coin: undefined }]);
    assert.equal(cache.count, 1, 'a fresh coin spent before the flush leaves no record');
    assert.deepEqual(beginFlushWrites(cache), [{ type: 'put', key: coinKey(a), value: encodeCoin(added) }]);
    cache.flushed();
    const clean = cache.lookupCoin(a);
    assert.equal(clean.found && clean.coin, added, 'the flush leaves the same object as a clean coin');
  });

  it('evicts the oldest clean coin through refreshes, writes and a wipe', () => {
    const cache = new WriteCache(3);
    const keys = Array.from({ length: 10 }, (_, i) => coinKey(outpoint(6, i)));
    const keep = (...indexes: number[]) => cache.rememberCoins(indexes.map((i) => outpoint(6, i)), indexes.map((i) => coin(i + 1)), cache.readGeneration);
    const held = () => keys.flatMap((key, i) => (cache.lookup(key).found ? [i] : []));
    keep(0, 1, 2);
    keep(0); // read again: now the newest
    keep(3);
    assert.deepEqual(held(), [0, 2, 3], 'the oldest (1) went, not the refreshed 0');
    cache.apply([{ type: 'del', key: keys[2] }]);
    assert.equal(cache.cleanCount, 2, 'a write takes the coin out of the clean layer');
    keep(4);
    keep(5);
    assert.equal(cache.cleanCount, 3);
    assert.deepEqual(held().filter((i) => i !== 2), [3, 4, 5], 'then 0 was the oldest');
    cache.dropClean();
    keep(6, 7, 8, 9);
    assert.deepEqual(held().filter((i) => i !== 2), [7, 8, 9], 'after a wipe the order starts again');
  });

  it('keeps at most its capacity, oldest out first', () => {
    const cache = new WriteCache(3);
    const keys = [0, 1, 2, 3].map((i) => coinKey(outpoint(5, i)));
    cache.rememberCoins([0, 1, 2, 3].map((i) => outpoint(5, i)), [1, 2, 3, 4].map((n) => coin(n)), cache.readGeneration);
    assert.equal(cache.cleanCount, 3);
    assert.equal(cache.lookup(keys[0]).found, false);
    assert.equal(cache.lookup(keys[3]).found, true);
  });

  it('with a capacity of 0 keeps no coin, read or flushed, and still answers from its dirty records', () => {
    const cache = new WriteCache(0);
    cache.rememberCoins([outpoint(4, 0)], [coin(1)], cache.readGeneration);
    assert.equal(cache.cleanCount, 0, 'a read is not kept');
    cache.apply([{ type: 'coin', outpoint: outpoint(4, 1), coin: coin(2) }]);
    assert.deepEqual(cache.lookupCoin(outpoint(4, 1)), { found: true, coin: coin(2) });
    assert.equal(beginFlushWrites(cache).length, 1);
    cache.flushed();
    assert.equal(cache.cleanCount, 0, 'what the flush wrote is not kept either');
    assert.equal(cache.lookupCoin(outpoint(4, 1)).found, false, 'so a read goes to the database');
  });
});
