/**
 * An encrypted wallet, locked, still hands out addresses (derived from the account xpub kept in
 * the clear) and receives its node's mining rewards across a restart: no raw key file in the
 * data dir takes them instead.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '../node/daemon.js';

async function until(what: string, check: () => Promise<boolean>, ceilingMs = 120_000): Promise<void> {
  const end = Date.now() + ceilingMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a locked encrypted wallet receives the mining rewards', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-lockedmine-'));
    daemon = await startDaemon(datadir);
    await daemon.call('encryptwallet', ['mining passphrase']);
    await daemon.call('stop');
    await daemon.exited;
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('restarted with --mine while locked: blocks pay the wallet, and the wallet still hands out addresses', async () => {
    daemon = await startDaemon(datadir, ['--mine', '--mine-interval', '0.2']);
    const info = await daemon.call<{ unlocked_until: number }>('getwalletinfo');
    assert.equal(info.unlocked_until, 0, 'encrypted and locked');
    assert.match(await daemon.call<string>('getnewaddress'), /^pcrt1q/);
    await until('three mined blocks in the wallet', async () => {
      const { mine } = await daemon.call<{ mine: { immature: number } }>('getbalances');
      return mine.immature >= 150;
    });
    const { mine, lastprocessedblock } = await daemon.call<{ mine: { immature: number }; lastprocessedblock: { height: number } }>('getbalances');
    assert.equal(mine.immature, lastprocessedblock.height * 50, 'every block since genesis paid this wallet');
    assert.equal(existsSync(join(daemon.networkDir, 'mining.key')), false, 'no raw key file took the rewards');
    assert.equal((await daemon.call<{ unlocked_until: number }>('getwalletinfo')).unlocked_until, 0, 'still locked');
    await daemon.call('stop');
    await daemon.exited;
  });
});
