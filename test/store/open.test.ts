import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Level } from 'level';
import { ChainStore, encodeMeta, META_KEY, SCHEMA_VERSION, StoreError, type StoreErrorCode } from '../../src/store/index.js';
import { hexToHash } from '../../src/primitives/index.js';
import { coin, outpoint, testParams, withTempDir } from './helpers.js';

const regtest = testParams('regtest', 'aa'.repeat(32));
const testnet = testParams('test', 'bb'.repeat(32));

function storeError(code: StoreErrorCode, ...mustMention: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected StoreError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const text of mustMention) assert.ok(err.message.includes(text), `"${err.message}" should mention ${text}`);
    return true;
  };
}

async function rawPut(dir: string, key: Uint8Array, value: Uint8Array): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.put(key, value);
  await db.close();
}

describe('ChainStore.open checks the data dir', () => {
  it('refuses another network, naming both, and leaves the data alone', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, regtest);
      await store.batch().addCoin(outpoint(1), coin(1)).write();
      await store.close();

      await assert.rejects(ChainStore.open(dir, testnet), storeError('wrong-network', "'regtest'", "'test'", 'aa'.repeat(32), 'bb'.repeat(32)));
      // Same genesis under another name is still another network's directory.
      await assert.rejects(ChainStore.open(dir, testParams('regtest2', 'aa'.repeat(32))), storeError('wrong-network'));

      const again = await ChainStore.open(dir, regtest);
      assert.deepEqual(await again.getCoin(outpoint(1)), coin(1));
      await again.close();
    });
  });

  it('refuses another schema version, older or newer', async () => {
    for (const version of [SCHEMA_VERSION + 1, 0]) {
      await withTempDir(async (dir) => {
        await (await ChainStore.open(dir, regtest)).close();
        const meta = encodeMeta({ schemaVersion: version, genesisHash: hexToHash(regtest.genesisHash), network: 'regtest' });
        await rawPut(dir, META_KEY, meta);
        await assert.rejects(ChainStore.open(dir, regtest), storeError('wrong-schema', `version ${version}`));
      });
    }
  });

  it('names a newer schema even when the rest of its meta record is unreadable to us', async () => {
    await withTempDir(async (dir) => {
      await (await ChainStore.open(dir, regtest)).close();
      await rawPut(dir, META_KEY, Uint8Array.of(SCHEMA_VERSION + 1, 0, 0, 0, 0xff));
      await assert.rejects(ChainStore.open(dir, regtest), storeError('wrong-schema'));
    });
  });

  it('refuses a damaged meta record as corrupt', async () => {
    await withTempDir(async (dir) => {
      await (await ChainStore.open(dir, regtest)).close();
      await rawPut(dir, META_KEY, Uint8Array.of(SCHEMA_VERSION, 0, 0, 0, 1, 2));
      await assert.rejects(ChainStore.open(dir, regtest), storeError('corrupt', 'meta record'));
    });
  });

  it('refuses a directory of unrelated files', async () => {
    await withTempDir(async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'notes.txt'), 'hello');
      await assert.rejects(ChainStore.open(dir, regtest), storeError('corrupt', 'not a LevelDB', 'notes.txt'));
    });
  });

  it('refuses garbage in LevelDB files', async () => {
    await withTempDir(async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'CURRENT'), 'MANIFEST-000001\n');
      await writeFile(join(dir, 'MANIFEST-000001'), Buffer.from('definitely not a manifest, just garbage bytes'));
      await assert.rejects(ChainStore.open(dir, regtest), storeError('corrupt', dir));
    });
    await withTempDir(async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'CURRENT'), 'garbage');
      await assert.rejects(ChainStore.open(dir, regtest), storeError('corrupt', dir));
    });
  });

  it("refuses someone else's LevelDB database (records but no meta)", async () => {
    await withTempDir(async (dir) => {
      await rawPut(dir, Uint8Array.of(1, 2, 3), Uint8Array.of(4));
      await assert.rejects(ChainStore.open(dir, regtest), storeError('corrupt', 'meta record'));
    });
  });

  it('refuses a path that is a file', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '..'), { recursive: true });
      await writeFile(dir, 'x');
      await assert.rejects(ChainStore.open(dir, regtest), storeError('io', 'not a directory'));
    });
  });

  it('refuses a second open in the same process as locked, and the first keeps working', async () => {
    await withTempDir(async (dir) => {
      const first = await ChainStore.open(dir, regtest);
      await assert.rejects(ChainStore.open(dir, regtest), storeError('locked', dir, `process ${process.pid}`));
      await first.batch().addCoin(outpoint(2), coin(2)).write();
      assert.deepEqual(await first.getCoin(outpoint(2)), coin(2));
      await first.close();
      const second = await ChainStore.open(dir, regtest);
      assert.deepEqual(await second.getCoin(outpoint(2)), coin(2));
      await second.close();
    });
  });
});
