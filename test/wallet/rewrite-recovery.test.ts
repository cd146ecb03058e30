/**
 * Every state a crash can leave WalletStore.rewrite in (the narrow windows random kills rarely
 * hit), made with real LevelDB folders: opening the store afterwards yields one whole wallet,
 * the new one as soon as `.sealed` exists, and no copy holding the old plaintext survives.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networks } from '../../src/params/index.js';
import { WalletStore } from '../../src/wallet/store.js';

const params = networks.regtest;

async function makeStore(dir: string, secret: string): Promise<void> {
  const store = await WalletStore.open(dir, params);
  await store.batch().put('secret', secret).write();
  await store.close();
}

async function secretIn(dir: string): Promise<unknown> {
  const store = await WalletStore.open(dir, params);
  try {
    return new Map(await store.records()).get('secret');
  } finally {
    await store.close();
  }
}

describe('a rewrite interrupted at each step', () => {
  let base: string;
  let dir: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'powcoin-rewrite-'));
    dir = join(base, 'wallet');
    await makeStore(dir, 'plain');
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  const leftovers = () => ['.new', '.sealed', '.old'].filter((suffix) => existsSync(`${dir}${suffix}`));

  test('the whole rewrite: the new record, no copies left', async () => {
    const store = await WalletStore.open(dir, params);
    await (await store.rewrite(params, { secret: 'sealed' })).close();
    assert.equal(await secretIn(dir), 'sealed');
    assert.deepEqual(leftovers(), []);
  });

  test('crash while writing .new: the old wallet, .new dropped', async () => {
    await makeStore(`${dir}.new`, 'sealed');
    assert.equal(await secretIn(dir), 'plain');
    assert.deepEqual(leftovers(), []);
  });

  test('crash after .new became .sealed: the new wallet replaces the old', async () => {
    await makeStore(`${dir}.sealed`, 'sealed');
    assert.equal(await secretIn(dir), 'sealed');
    assert.deepEqual(leftovers(), []);
  });

  test('crash after the old wallet moved to .old: .sealed takes its place, .old goes', async () => {
    await makeStore(`${dir}.sealed`, 'sealed');
    await rename(dir, `${dir}.old`);
    assert.equal(await secretIn(dir), 'sealed');
    assert.deepEqual(leftovers(), []);
  });

  test('crash while deleting .old: it goes', async () => {
    await cp(dir, `${dir}.old`, { recursive: true });
    await makeStore(`${dir}.sealed`, 'sealed');
    await rm(dir, { recursive: true });
    await rename(`${dir}.sealed`, dir);
    assert.equal(await secretIn(dir), 'sealed');
    assert.deepEqual(leftovers(), []);
  });
});
