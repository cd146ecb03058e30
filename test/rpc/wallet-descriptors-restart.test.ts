/**
 * Imported descriptors survive a real daemon restart: the descriptor, its active role and next
 * index, its coins and its private form (the coin is spent after the restart) all come back
 * from the wallet's LevelDB.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HDKey } from '@scure/bip32';
import { type Daemon, startDaemon } from '../node/daemon.js';

const VERSIONS = { private: 0x04358394, public: 0x043587cf };
const SINK = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

describe('imported descriptors across a daemon restart', () => {
  let dir: string;
  let daemon: Daemon;
  const key = HDKey.fromMasterSeed(new Uint8Array(32).fill(77), VERSIONS);
  const text = `wpkh(${key.privateExtendedKey}/84h/1h/0h/0/*)`;
  let summed: string;
  let paid: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powcoin-descriptors-'));
    daemon = await startDaemon(dir);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) {
      daemon.proc.kill('SIGTERM');
      await daemon.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  test('import an active descriptor, receive a coin on it, restart: all of it is still there and spendable', async () => {
    summed = `${text}#${(await daemon.call<{ checksum: string }>('getdescriptorinfo', [text])).checksum}`;
    const [result] = await daemon.call<Array<{ success: boolean }>>('importdescriptors', [[{ desc: summed, timestamp: 'now', active: true, range: [0, 4] }]]);
    assert.equal(result.success, true);
    paid = await daemon.call<string>('getnewaddress');
    assert.deepEqual(await daemon.call('deriveaddresses', [summed, [0, 0]]), [paid], 'handed out by the imported descriptor');
    await daemon.call('generatetoaddress', [1, paid]);
    await daemon.call('generatetoaddress', [100, SINK]);
    const before = await daemon.call<{ descriptors: unknown[] }>('listdescriptors');
    const hdkeys = await daemon.call('gethdkeys');

    assert.match(await daemon.call<string>('stop'), /stopping/);
    assert.equal((await daemon.exited).code, 0);
    daemon = await startDaemon(dir);

    assert.deepEqual(await daemon.call('listdescriptors'), before);
    assert.deepEqual(await daemon.call('gethdkeys'), hdkeys);
    assert.deepEqual(await daemon.call('deriveaddresses', [summed, [1, 1]]), [await daemon.call<string>('getnewaddress')], 'the next index was kept');
    assert.equal(await daemon.call('getbalance'), 50);
    const txid = await daemon.call<string>('sendtoaddress', [SINK, 10]);
    assert.match(txid, /^[0-9a-f]{64}$/, 'signed with the private form kept in the wallet');
  });
});
