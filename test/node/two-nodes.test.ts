/** Two real daemons over p2p: node A pays node B's wallet; the block reaches B; both balances are exact. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './daemon.js';

const THIRD_PARTY = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

/** A hang guard, not a speed check: two daemons on a loaded 2-core machine take their time. */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe('two daemons: a payment from A to B over p2p', { timeout: 900_000 }, () => {
  let dirs: string[];
  let a: Daemon;
  let b: Daemon;
  before(async () => {
    dirs = [await mkdtemp(join(tmpdir(), 'powcoin-a-')), await mkdtemp(join(tmpdir(), 'powcoin-b-'))];
    a = await startDaemon(dirs[0], ['--p2p-bind', '127.0.0.1']);
    const info = await a.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo');
    b = await startDaemon(dirs[1], ['--p2p-bind', '127.0.0.1', '--peer', info.localaddresses[0].address]);
  });
  after(async () => {
    for (const daemon of [a, b]) if (daemon && daemon.proc.exitCode === null) daemon.proc.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('B connects to A and both see one peer', async () => {
    await waitFor('the connection', async () => (await a.call<number>('getconnectioncount')) === 1 && (await b.call<number>('getconnectioncount')) === 1);
    const [peer] = await b.call<Array<{ addr: string; inbound: boolean }>>('getpeerinfo');
    assert.equal(peer.inbound, false);
  });

  test('A mines, pays B 12.5 coins; the block reaches B; balances are exact on both', async () => {
    const addressA = await a.call<string>('getnewaddress');
    const addressB = await b.call<string>('getnewaddress');
    await a.call('generatetoaddress', [101, addressA]);
    await waitFor('B to sync 101 blocks', async () => (await b.call<number>('getblockcount')) === 101);
    const before = await a.call<number>('getbalance');
    assert.equal(before, 50);
    const txid = await a.call<string>('sendtoaddress', [addressB, 12.5]);
    const { fee } = await a.call<{ fee: number }>('gettransaction', [txid]);
    await a.call('generatetoaddress', [1, THIRD_PARTY]);
    await waitFor('B to get block 102', async () => (await b.call<number>('getblockcount')) === 102);
    await waitFor('B to credit the payment', async () => (await b.call<number>('getbalance')) === 12.5);
    // A: the 50 it had, less the payment and fee, plus the coinbase of block 2 that has just matured.
    const after = await a.call<number>('getbalance');
    assert.equal(Math.round(after * 1e8), Math.round((before - 12.5 + fee + 50) * 1e8));
    const tx = await b.call<{ confirmations: number; amount: number }>('gettransaction', [txid]);
    assert.equal(tx.confirmations, 1);
    assert.equal(tx.amount, 12.5);
  });

  test('setban / listbanned / clearbanned through the p2p node', async () => {
    const [peer] = await b.call<Array<{ peerId: string }>>('getpeerinfo');
    assert.equal(await b.call('setban', [peer.peerId, 'add', 60]), null);
    const banned = await b.call<Array<{ address: string }>>('listbanned');
    assert.deepEqual(banned.map((row) => row.address), [peer.peerId]);
    assert.equal(await b.call('clearbanned'), null);
    assert.deepEqual(await b.call('listbanned'), []);
  });

  test('setban on an address: A at 127.0.0.1:<its listen port> is banned as an address, then lifted', async () => {
    const info = await a.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo');
    const port = info.localaddresses[0].address.split('/')[4];
    const address = `127.0.0.1:${port}`;
    assert.equal(await b.call('setban', [address, 'add', 60]), null);
    const banned = await b.call<Array<{ address: string; ban_reason: string }>>('listbanned');
    assert.deepEqual(banned.map((row) => row.address), [address]);
    await waitFor('B to drop A', async () => (await b.call<number>('getconnectioncount')) === 0);
    assert.equal(await b.call('setban', [address, 'remove']), null);
    assert.deepEqual(await b.call('listbanned'), []);
  });
});
