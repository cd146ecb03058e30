import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Level } from 'level';
import { BlockStatus, ChainStore, coinKey, StoreError } from '../../src/store/index.js';
import { block, coin, fakeHash, indexRecord, outpoint, testParams, withTempDir } from './helpers.js';

const params = testParams();
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const storeChild = join(here, 'fixtures', 'store-child.ts');

async function withStore<T>(fn: (store: ChainStore, dir: string) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const store = await ChainStore.open(dir, params);
    try {
      return await fn(store, dir);
    } finally {
      await store.close();
    }
  });
}

function isStoreError(code: string) {
  return (err: unknown) => err instanceof StoreError && err.code === code;
}

describe('ChainStore round trips', () => {
  it('a fresh store is empty and stamped with the network', async () => {
    await withStore(async (store) => {
      assert.equal(store.meta.network, params.name);
      assert.equal(store.meta.schemaVersion, 1);
      assert.equal(await store.getTip(), undefined);
      assert.deepEqual(await store.loadBlockIndex(), []);
      assert.equal(await store.getCoin(outpoint(1)), undefined);
      assert.equal(await store.getHashAtHeight(0), undefined);
      assert.equal(await store.getBlock(fakeHash(1)), undefined);
      assert.equal(await store.getUndo(fakeHash(1)), undefined);
    });
  });

  it('every record type survives a write, a close and a reopen', async () => {
    await withTempDir(async (dir) => {
      const b = block(10);
      const hash = b.hashBytes();
      const record = indexRecord(10, { hash, header: b.header, status: BlockStatus.HEADER_VALID | BlockStatus.HAVE_DATA | BlockStatus.VALIDATED });
      const undo = [coin(1), coin(2, { coinbase: true })];

      const first = await ChainStore.open(dir, params);
      await first
        .batch()
        .putBlockIndex(record)
        .putBlock(hash, b)
        .putUndo(hash, undo)
        .addCoin(outpoint(10, 0), coin(10))
        .addCoin(outpoint(10, 1), coin(11))
        .putHeight(10, hash)
        .setTip(hash)
        .write();
      await first.close();

      const store = await ChainStore.open(dir, params);
      try {
        assert.deepEqual(await store.getTip(), hash);
        assert.deepEqual(await store.getHashAtHeight(10), hash);
        const index = await store.getBlockIndex(hash);
        assert.ok(index);
        assert.deepEqual(index.header.encode(), record.header.encode());
        assert.deepEqual([index.height, index.chainwork, index.status, index.txCount], [10, record.chainwork, record.status, record.txCount]);
        assert.deepEqual(await store.getBlockBytes(hash), b.encode());
        assert.deepEqual((await store.getBlock(hash))?.encode(), b.encode());
        assert.ok(await store.hasBlock(hash));
        assert.equal(await store.hasBlock(fakeHash(99)), false);
        assert.deepEqual(await store.getUndo(hash), undo);
        assert.deepEqual(await store.getCoin(outpoint(10, 0)), coin(10));
        assert.deepEqual(await store.getCoin(outpoint(10, 1)), coin(11));
        assert.deepEqual((await store.loadBlockIndex()).map((r) => r.hash), [hash]);
      } finally {
        await store.close();
      }
    });
  });

  it('spending and deleting remove records; operations apply in order', async () => {
    await withStore(async (store) => {
      await store.batch().addCoin(outpoint(1), coin(1)).addCoin(outpoint(2), coin(2)).putHeight(1, fakeHash(1)).write();
      await store
        .batch()
        .spendCoin(outpoint(1))
        .deleteHeight(1)
        .addCoin(outpoint(3), coin(3))
        .spendCoin(outpoint(3)) // created and spent within one block
        .write();
      assert.equal(await store.getCoin(outpoint(1)), undefined);
      assert.equal(await store.getCoin(outpoint(3)), undefined);
      assert.deepEqual(await store.getCoin(outpoint(2)), coin(2));
      assert.equal(await store.getHashAtHeight(1), undefined);
    });
  });

  it('getCoins in one batch equals individual gets, in order, with gaps', async () => {
    await withStore(async (store) => {
      const batch = store.batch();
      for (let i = 0; i < 300; i += 2) batch.addCoin(outpoint(i, i % 5), coin(i));
      await batch.write();
      const outpoints = Array.from({ length: 300 }, (_, i) => outpoint(i, i % 5)).reverse();
      const many = await store.getCoins(outpoints);
      const single = await Promise.all(outpoints.map((o) => store.getCoin(o)));
      assert.deepEqual(many, single);
      assert.equal(many.filter((c) => c !== undefined).length, 150);
      assert.deepEqual(await store.getCoins([]), []);
    });
  });

  it('loadBlockIndex returns every entry', async () => {
    await withStore(async (store) => {
      const batch = store.batch();
      for (let i = 0; i < 2500; i++) batch.putBlockIndex(indexRecord(i));
      await batch.write();
      const records = await store.loadBlockIndex();
      assert.equal(records.length, 2500);
      const heights = records.map((r) => r.height).sort((a, b) => a - b);
      assert.deepEqual(heights, Array.from({ length: 2500 }, (_, i) => i));
      const r7 = records.find((r) => r.height === 7);
      assert.deepEqual(r7?.hash, indexRecord(7).hash);
      assert.equal(r7?.chainwork, indexRecord(7).chainwork);
    });
  });

  it('iterateCoins walks the set in outpoint order', async () => {
    await withStore(async (store) => {
      const batch = store.batch();
      for (let i = 0; i < 50; i++) for (const index of [0, 3, 256]) batch.addCoin(outpoint(i, index), coin(i * 1000 + index));
      batch.putHeight(0, fakeHash(0)); // other prefixes stay out of the walk
      await batch.write();
      const seen = [];
      for await (const entry of store.iterateCoins()) seen.push(entry);
      assert.equal(seen.length, 150);
      const keys = seen.map((e) => coinKey(e.outpoint));
      for (let i = 1; i < keys.length; i++) assert.equal(Buffer.compare(keys[i - 1], keys[i]), -1);
      for (const e of seen) assert.deepEqual(await store.getCoin(e.outpoint), e.coin);
    });
  });
});

describe('ChainStore batches are atomic', () => {
  it('a batch that is never written leaves nothing, even after reopening', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      const batch = store.batch().addCoin(outpoint(1), coin(1)).setTip(fakeHash(1));
      assert.equal(batch.length, 2);
      await store.close();
      const reopened = await ChainStore.open(dir, params);
      assert.equal(await reopened.getCoin(outpoint(1)), undefined);
      assert.equal(await reopened.getTip(), undefined);
      await reopened.close();
    });
  });

  // A process killed while its batch is being written leaves all of it or none of it. Rounds
  // kill the writer as soon as write() began, as soon as LevelDB's log file starts to grow (the
  // moment a write split into parts would be half done), and just after the write reported done;
  // each then reopens the store and finds the first, middle and last coin and the tip (queued
  // last) all present or all absent.
  it('a process killed while writing a batch leaves all of it or none of it', { timeout: 300_000 }, async () => {
    const count = 50_000;
    const logBytes = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.log')).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    const outcomes: string[] = [];
    for (const killAt of ['writing', 'log grows', 'written'] as const) {
      await withTempDir(async (dir) => {
        const child = spawn(process.execPath, ['--import', 'tsx', storeChild, 'write', dir, String(count)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
        const exit = once(child, 'exit');
        const lines = createInterface({ input: child.stdout! });
        for await (const line of lines) {
          const report = JSON.parse(line) as { writing?: boolean; written?: boolean };
          if (killAt === 'written' ? report.written : report.writing) break;
        }
        if (killAt === 'log grows') {
          const before = logBytes(dir);
          const deadline = Date.now() + 120_000;
          while (logBytes(dir) === before && child.exitCode === null) {
            if (Date.now() > deadline) assert.fail('the log file did not grow within 120 s of write()');
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        }
        const killed = child.exitCode === null && child.kill('SIGKILL');
        await exit;
        const store = await ChainStore.open(dir, params);
        try {
          const probes = await store.getCoins([outpoint(0), outpoint(count / 2), outpoint(count - 1)]);
          const present = [...probes.map((c) => c !== undefined), (await store.getTip()) !== undefined];
          assert.ok(present.every((p) => p) || present.every((p) => !p), `killed when ${killAt}: first/middle/last coin and tip present = ${present.join(',')}`);
          if (killAt === 'written') assert.ok(present.every((p) => p), 'a batch reported written survives the process being killed');
          outcomes.push(`${killAt}: ${killed ? 'killed' : 'exited'}, ${present[0] ? 'all' : 'none'}`);
        } finally {
          await store.close();
        }
      });
    }
    console.log(`# batch crash rounds (kill moment: outcome): ${outcomes.join('; ')}`);
  });

  it('a written batch is all there after reopening, and cannot be written twice', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      const batch = store.batch();
      for (let i = 0; i < 4000; i++) batch.addCoin(outpoint(i), coin(i));
      batch.setTip(fakeHash(7));
      await batch.write();
      await assert.rejects(batch.write(), isStoreError('closed'));
      assert.throws(() => batch.setTip(fakeHash(1)), isStoreError('closed'));
      await store.close();

      const reopened = await ChainStore.open(dir, params);
      const coins = await reopened.getCoins(Array.from({ length: 4000 }, (_, i) => outpoint(i)));
      assert.equal(coins.filter((c) => c !== undefined).length, 4000);
      assert.deepEqual(await reopened.getTip(), fakeHash(7));
      await reopened.close();
    });
  });
});

describe('ChainStore after close and on damaged records', () => {
  it('refuses every use after close with StoreError closed', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      const batch = store.batch().setTip(fakeHash(1));
      await store.close();
      await store.close(); // idempotent
      assert.equal(store.isOpen, false);
      await assert.rejects(store.getTip(), isStoreError('closed'));
      await assert.rejects(store.getCoins([outpoint(1)]), isStoreError('closed'));
      await assert.rejects(store.utxoStats(), isStoreError('closed'));
      await assert.rejects(batch.write(), isStoreError('closed'));
      assert.throws(() => store.batch(), isStoreError('closed'));
    });
  });

  it('a damaged record read through the store is corrupt, naming the key', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      await store.close();
      const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
      await db.put(coinKey(outpoint(4, 2)), Uint8Array.of(1, 2, 3));
      await db.close();

      const reopened = await ChainStore.open(dir, params);
      try {
        const corrupt = (err: unknown) => isStoreError('corrupt')(err) && /coin [0-9a-f]{64}:2/.test((err as Error).message);
        await assert.rejects(reopened.getCoin(outpoint(4, 2)), corrupt);
        await assert.rejects(reopened.getCoins([outpoint(1), outpoint(4, 2)]), corrupt);
        await assert.rejects(reopened.utxoStats(), corrupt);
      } finally {
        await reopened.close();
      }
    });
  });
});

describe('ChainStore closing under a reader', () => {
  it('an iteration cut short by close() ends with StoreError closed', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      const batch = store.batch();
      for (let i = 0; i < 5000; i++) batch.addCoin(outpoint(i), coin(i));
      await batch.write();
      const walk = async () => {
        let n = 0;
        for await (const _ of store.iterateCoins()) if (++n === 10) await store.close();
      };
      await assert.rejects(walk(), isStoreError('closed'));
    });
  });
});
