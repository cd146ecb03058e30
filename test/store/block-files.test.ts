import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Level } from 'level';
import { BLOCK_LOCATION_SIZE, BlockFiles, blockFileName, bodyParts, decodeBlockLocation } from '../../src/store/block-files.js';
import { BLOCK_FILES_DIR, ChainStore } from '../../src/store/chain-store.js';
import { blockKey, StoreError } from '../../src/store/index.js';
import { block, fakeHash, testParams, withTempDir } from './helpers.js';

const TAG = Uint8Array.of(0xfa, 0xbf, 0xb5, 0xda);
const params = testParams();

function bytes(n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

function isCorrupt(pattern: RegExp) {
  return (err: unknown) => err instanceof StoreError && err.code === 'corrupt' && pattern.test(err.message);
}

describe('BlockFiles', () => {
  it('appends records concurrently and reads each body back whole or its first bytes', async () => {
    await withTempDir(async (dir) => {
      const files = BlockFiles.open(dir, TAG);
      // Small bodies are written on the spot, the 100 kB one on the thread pool.
      const bodies = [bytes(100, 1), bytes(5_000, 2), bytes(100_000, 4), bytes(81, 3)];
      const locations = await Promise.all(bodies.map((body, i) => files.append(i === 1 ? [body.subarray(0, 10), body.subarray(10)] : [body])));
      for (const [i, location] of locations.entries()) {
        assert.equal(location.file, 0);
        assert.deepEqual(await files.read(location), bodies[i]);
        assert.deepEqual(await files.read(location, 5), bodies[i].subarray(0, 5));
      }
      // Places are reserved in call order, each after the last record's tag and length.
      assert.deepEqual(locations.map((l) => l.offset), [8, 116, 5_124, 105_132]);
      await files.close();
      // Tag, length (u32 LE), body, for each record.
      const raw = readFileSync(join(dir, blockFileName(0)));
      assert.equal(raw.length, 4 * 8 + 100 + 5_000 + 100_000 + 81);
      assert.deepEqual(raw.subarray(5_124, 105_124), Buffer.from(bodies[2]));
      assert.deepEqual(raw.subarray(locations[0].offset - 8, locations[0].offset - 4), Buffer.from(TAG));
      assert.equal(raw.readUInt32LE(locations[0].offset - 4), 100);
    });
  });

  it('starts a new file when the next record would pass the limit, and reopens appending to the newest', async () => {
    await withTempDir(async (dir) => {
      let files = BlockFiles.open(dir, TAG, 1_000);
      const first = await files.append([bytes(600, 1)]);
      const second = await files.append([bytes(600, 2)]);
      assert.deepEqual([first.file, second.file], [0, 1]);
      await files.close();
      files = BlockFiles.open(dir, TAG, 1_000);
      const third = await files.append([bytes(100, 3)]);
      assert.deepEqual([third.file, third.offset], [1, 608 + 8], 'after the newest file’s records');
      assert.deepEqual(await files.read(first), bytes(600, 1));
      assert.deepEqual(await files.read(second), bytes(600, 2));
      assert.deepEqual(await files.read(third), bytes(100, 3));
      await files.close();
      assert.deepEqual(readdirSync(dir).sort(), [blockFileName(0), blockFileName(1)]);
    });
  });

  it('refuses as corrupt a record that is missing, cut short, of another network or of another length', async () => {
    await withTempDir(async (dir) => {
      const files = BlockFiles.open(dir, TAG);
      const location = await files.append([bytes(200, 7)]);
      await assert.rejects(files.read({ ...location, file: 3 }), isCorrupt(/blk00003\.dat is missing/));
      await assert.rejects(files.read({ ...location, length: 199 }), isCorrupt(/no 199-byte block record/));
      await assert.rejects(files.read({ ...location, offset: 4 }), isCorrupt(/not a record/));
      await files.close();

      const other = BlockFiles.open(dir, Uint8Array.of(1, 2, 3, 4));
      await assert.rejects(other.read(location), isCorrupt(/no 200-byte block record/));
      await other.close();

      truncateSync(join(dir, blockFileName(0)), 100);
      const cut = BlockFiles.open(dir, TAG);
      await assert.rejects(cut.read(location), isCorrupt(/ends inside the record/));
      await cut.close();
    });
  });

  it('is closed for good after close()', async () => {
    await withTempDir(async (dir) => {
      const files = BlockFiles.open(dir, TAG);
      const location = await files.append([bytes(10, 1)]);
      await files.close();
      await files.close();
      await assert.rejects(files.read(location), (err: unknown) => err instanceof StoreError && err.code === 'closed');
      await assert.rejects(files.append([bytes(10, 1)]), (err: unknown) => err instanceof StoreError && err.code === 'closed');
    });
  });

  it('gathers a block from its header, tx count and each tx’s serialization', () => {
    const b = block(12);
    assert.deepEqual(Buffer.concat(bodyParts(b)), Buffer.from(b.encode()));
  });
});

describe('ChainStore block bodies', () => {
  it('go to the block files, with only their location in LevelDB', async () => {
    await withTempDir(async (dir) => {
      const b = block(10);
      const store = await ChainStore.open(dir, params);
      await store.batch().putBlock(b.hashBytes(), b).write();
      assert.deepEqual((await store.getBlock(b.hashBytes()))?.encode(), b.encode());
      await store.close();

      const stored = readFileSync(join(dir, BLOCK_FILES_DIR, blockFileName(0)));
      assert.equal(stored.length, 8 + b.size());
      const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
      await db.open();
      const value = await db.get(blockKey(b.hashBytes()));
      await db.close();
      assert.equal(value?.length, BLOCK_LOCATION_SIZE);
      assert.deepEqual(decodeBlockLocation(value!), { file: 0, offset: 8, length: b.size() });
      assert.ok(statSync(join(dir, BLOCK_FILES_DIR)).isDirectory());
    });
  });

  it('written inside LevelDB by an earlier version are still read, served and reindexed', async () => {
    await withTempDir(async (dir) => {
      const b = block(11);
      await (await ChainStore.open(dir, params)).close();
      const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
      await db.open();
      await db.put(blockKey(b.hashBytes()), b.encode());
      await db.close();
      const store = await ChainStore.open(dir, params);
      try {
        assert.deepEqual((await store.getBlock(b.hashBytes()))?.encode(), b.encode());
        assert.deepEqual(await store.getBlockBytes(b.hashBytes()), b.encode());
        const headers = [];
        for await (const { hash, header } of store.iterateBlockHeaders()) headers.push([hash, header?.hash()]);
        assert.deepEqual(headers, [[b.hash(), b.hash()]]);
      } finally {
        await store.close();
      }
    });
  });

  it('give reindex their headers from the files, and none for a damaged record', async () => {
    await withTempDir(async (dir) => {
      const good = block(12);
      const bad = block(13);
      const store = await ChainStore.open(dir, params);
      await store.batch().putBlock(good.hashBytes(), good).write();
      await store.batch().putBlock(bad.hashBytes(), bad).write();
      const file = join(dir, BLOCK_FILES_DIR, blockFileName(0));
      const raw = readFileSync(file);
      raw.fill(0, 8 + good.size(), 8 + good.size() + 4); // the second record's tag
      writeFileSync(file, raw);
      const headers = new Map<string, string | undefined>();
      for await (const { hash, header } of store.iterateBlockHeaders()) headers.set(hash, header?.hash());
      await store.close();
      assert.deepEqual(headers, new Map([[good.hash(), good.hash()], [bad.hash(), undefined]]));
    });
  });

  it('cannot be cached: only a direct batch writes one', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        await assert.rejects(store.cachedBatch().putBlock(fakeHash(1), block(1)).write(), /cannot be cached/);
        assert.equal(await store.getBlock(fakeHash(1)), undefined);
      } finally {
        await store.close();
      }
    });
  });
});
