/**
 * setnetworkactive, getblockfrompeer and submitpackage's relay between two real daemons on
 * 127.0.0.1: B fetches A's stale block (header known, body never downloaded) from A by peer id;
 * B switches p2p off (every peer dropped, inbound refused, no dials) and on again (its added
 * node reconnects); a package submitted to B reaches A's mempool.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './daemon.js';
import { waitFor } from '../testnet/harness.js';

const PAYOUT = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

async function rpcError(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  const err = await call.then(
    () => assert.fail('the call succeeded'),
    (e: { code: number; message: string }) => e,
  );
  return { code: err.code, message: err.message };
}

async function addressOf(daemon: Daemon): Promise<string> {
  const info = await daemon.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo');
  return info.localaddresses[0].address;
}

describe('setnetworkactive and getblockfrompeer between two daemons', { timeout: 900_000 }, () => {
  let dirs: string[];
  let a: Daemon;
  let b: Daemon;
  let stale: string;
  before(async () => {
    dirs = [await mkdtemp(join(tmpdir(), 'powcoin-neta-')), await mkdtemp(join(tmpdir(), 'powcoin-netb-'))];
    [a, b] = await Promise.all(dirs.map((dir) => startDaemon(dir, ['--p2p-bind', '127.0.0.1'])));
    // Apart, A mines one block and B two: A's block is a stale fork B will know only by header.
    [stale] = await a.call<string[]>('generatetoaddress', [1, PAYOUT]);
    await b.call('generatetoaddress', [2, PAYOUT]);
  });
  after(async () => {
    for (const daemon of [a, b]) if (daemon && daemon.proc.exitCode === null) daemon.proc.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('getblockfrompeer: errors for an unknown header and an unknown peer', async () => {
    assert.deepEqual(await rpcError(b.call('getblockfrompeer', [stale, 0])), { code: -1, message: 'Block header missing' });
    await b.call('submitheader', [await a.call<string>('getblockheader', [stale, false])]);
    assert.equal((await b.call<{ confirmations: number }>('getblockheader', [stale])).confirmations, -1);
    await assert.rejects(b.call('getblock', [stale]), { code: -1, message: 'Block not available' });
    assert.deepEqual(await rpcError(b.call('getblockfrompeer', [stale, 7])), { code: -1, message: 'Peer does not exist' });
  });

  test('getblockfrompeer: B fetches the stale block from A', async () => {
    await b.call('addnode', [await addressOf(a), 'add']);
    await waitFor('the connection', async () => (await a.call<number>('getconnectioncount')) === 1 && (await b.call<number>('getconnectioncount')) === 1);
    // A adopts B's longer chain; its own block is now stale there too, but A keeps the body.
    await waitFor('A to follow B', async () => (await a.call<number>('getblockcount')) === 2);
    const [peer] = await b.call<Array<{ id: number }>>('getpeerinfo');
    assert.deepEqual(await b.call('getblockfrompeer', [stale, peer.id]), {});
    const block = await b.call<{ hash: string; confirmations: number; tx: string[] }>('getblock', [stale]);
    assert.equal(block.hash, stale);
    assert.equal(block.confirmations, -1);
    assert.deepEqual(block.tx, (await a.call<{ tx: string[] }>('getblock', [stale])).tx);
    assert.deepEqual(await rpcError(b.call('getblockfrompeer', [stale, peer.id])), { code: -1, message: 'Block already downloaded' });
  });

  test('setnetworkactive false drops every peer and refuses new ones; true reconnects', async () => {
    assert.equal(await b.call('setnetworkactive', [false]), false);
    const info = await b.call<{ networkactive: boolean; connections: number }>('getnetworkinfo');
    assert.equal(info.networkactive, false);
    assert.equal(info.connections, 0);
    assert.deepEqual(await b.call('getpeerinfo'), []);
    await waitFor('A to see B gone', async () => (await a.call<number>('getconnectioncount')) === 0);
    // Inbound is refused and B dials nobody, not even an added node or a onetry.
    assert.equal(await a.call('addnode', [await addressOf(b), 'onetry']), null);
    await b.call('addnode', [await addressOf(a), 'onetry']);
    assert.equal(await a.call<number>('getconnectioncount'), 0);
    assert.equal(await b.call<number>('getconnectioncount'), 0);
    // Blocks mined meanwhile stay on A.
    await a.call('generatetoaddress', [1, PAYOUT]);
    assert.equal(await b.call<number>('getblockcount'), 2);

    assert.equal(await b.call('setnetworkactive', [true]), true);
    assert.equal((await b.call<{ networkactive: boolean }>('getnetworkinfo')).networkactive, true);
    await waitFor('B to reconnect to its added node', async () => (await b.call<number>('getconnectioncount')) === 1);
    await waitFor('B to catch up', async () => (await b.call<number>('getblockcount')) === 3);
  });

  test('submitpackage: the package\'s txs are relayed to the peer', async () => {
    const mine = await b.call<string>('getnewaddress');
    await b.call('generatetoaddress', [101, mine]);
    await waitFor('A to follow B', async () => (await a.call<number>('getblockcount')) === (await b.call<number>('getblockcount')));
    const [coin] = await b.call<Array<{ txid: string; vout: number; amount: number }>>('listunspent');
    const sats = Math.round(coin.amount * 1e8);
    // Each pays its own way: peers judge relayed txs one by one (no package relay between nodes).
    const parentHex = (await b.call<{ hex: string }>('signrawtransactionwithwallet', [await b.call<string>('createrawtransaction', [[coin], [{ [mine]: (sats - 5000) / 1e8 }]])])).hex;
    const parent = await b.call<{ txid: string }>('decoderawtransaction', [parentHex]);
    const prevtx = { txid: parent.txid, vout: 0, scriptPubKey: (await b.call<{ scriptPubKey: string }>('getaddressinfo', [mine])).scriptPubKey, amount: (sats - 5000) / 1e8 };
    const childRaw = await b.call<string>('createrawtransaction', [[{ txid: parent.txid, vout: 0 }], [{ [PAYOUT]: (sats - 10_000) / 1e8 }]]);
    const childHex = (await b.call<{ hex: string }>('signrawtransactionwithwallet', [childRaw, [prevtx]])).hex;
    const child = await b.call<{ txid: string }>('decoderawtransaction', [childHex]);
    assert.equal((await b.call<{ package_msg: string }>('submitpackage', [[parentHex, childHex]])).package_msg, 'success');
    await waitFor('A to get both txs', async () => {
      const pool = await a.call<string[]>('getrawmempool');
      return pool.includes(parent.txid) && pool.includes(child.txid);
    });
  });

  test('bad parameters answer Core\'s codes', async () => {
    assert.equal((await rpcError(b.call('setnetworkactive', ['yes']))).code, -3);
    assert.equal((await rpcError(b.call('setnetworkactive', []))).code, -1);
    assert.equal((await rpcError(b.call('getblockfrompeer', ['zz', 0]))).code, -8);
    assert.equal((await rpcError(b.call('getblockfrompeer', [stale, 'x']))).code, -3);
    assert.equal((await rpcError(b.call('getblockfrompeer', [stale]))).code, -1);
  });
});
