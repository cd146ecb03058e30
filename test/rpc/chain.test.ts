import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAddress } from '../../src/primitives/address.js';
import { hash160 } from '../../src/primitives/hash.js';
import { TestKey } from '../helpers/chain-harness.js';
import { type Stack, openStack, rpcError } from './stack.js';

const key = new TestKey('rpc chain');
const address = encodeAddress(hash160(key.publicKey), 'pcrt');

describe('blockchain methods against a real chain', () => {
  let s: Stack;
  let hashes: string[];
  before(async () => {
    s = await openStack();
    hashes = await s.client.call<string[]>('generatetoaddress', [5, address]);
  });
  after(() => s.close());

  test('getblockcount, getbestblockhash, getblockhash, getblockchaininfo agree', async () => {
    assert.equal(await s.client.call('getblockcount'), 5);
    assert.equal(await s.client.call('getbestblockhash'), hashes[4]);
    assert.equal(await s.client.call('getblockhash', [3]), hashes[2]);
    const info = await s.client.call<Record<string, unknown>>('getblockchaininfo');
    assert.equal(info.chain, 'regtest');
    assert.equal(info.blocks, 5);
    assert.equal(info.bestblockhash, hashes[4]);
    assert.match(info.chainwork as string, /^[0-9a-f]{64}$/);
  });

  test('-8 for a height out of range, -5 for an unknown block, -8 for a malformed hash', async () => {
    assert.deepEqual(await rpcError(s, 'getblockhash', [99]), { code: -8, message: 'Block height out of range' });
    assert.deepEqual(await rpcError(s, 'getblock', ['00'.repeat(32)]), { code: -5, message: 'Block not found' });
    assert.equal((await rpcError(s, 'getblock', ['xyz'])).code, -8);
  });

  test('getblock at verbosity 0, 1 and 2, and getblockheader verbose and not', async () => {
    const hex = await s.client.call<string>('getblock', [hashes[1], 0]);
    assert.match(hex, /^[0-9a-f]+$/);
    const one = await s.client.call<Record<string, unknown>>('getblock', [hashes[1]]);
    assert.equal(one.height, 2);
    assert.equal(one.confirmations, 4);
    assert.equal(one.previousblockhash, hashes[0]);
    assert.equal(one.nextblockhash, hashes[2]);
    assert.equal((one.tx as string[]).length, 1);
    const two = await s.client.call<{ tx: Array<{ vout: Array<{ value: number; scriptPubKey: { address: string; type: string } }>; hex: string }> }>('getblock', [hashes[1], 2]);
    assert.equal(two.tx[0].vout[0].value, 50);
    assert.equal(two.tx[0].vout[0].scriptPubKey.address, address);
    assert.equal(two.tx[0].vout[0].scriptPubKey.type, 'witness_v0_keyhash');
    assert.equal(await s.client.call('getblockheader', [hashes[1], false]), hex.slice(0, 160));
    const header = await s.client.call<Record<string, unknown>>('getblockheader', [hashes[1]]);
    assert.equal(header.bits, '207fffff');
    assert.equal(header.nTx, 1);
  });

  test('getchaintips shows the active tip; getdifficulty is regtest minimum', async () => {
    const tips = await s.client.call<Array<Record<string, unknown>>>('getchaintips');
    assert.deepEqual(tips, [{ height: 5, hash: hashes[4], branchlen: 0, status: 'active' }]);
    assert.ok(((await s.client.call('getdifficulty')) as number) < 1e-9);
  });

  test('gettxout finds an unspent coinbase, null for a missing one; gettxoutsetinfo sums the set', async () => {
    const block = await s.client.call<{ tx: string[] }>('getblock', [hashes[0]]);
    const out = await s.client.call<Record<string, unknown>>('gettxout', [block.tx[0], 0]);
    assert.equal(out.value, 50);
    assert.equal(out.confirmations, 5);
    assert.equal(out.coinbase, true);
    assert.equal(await s.client.call('gettxout', [block.tx[0], 7]), null);
    const set = await s.client.call<Record<string, unknown>>('gettxoutsetinfo');
    assert.equal(set.txouts, 5);
    assert.equal(set.total_amount, 250);
    assert.equal(set.height, 5);
  });

  test('verifychain answers true', async () => {
    assert.equal(await s.client.call('verifychain', [3, 0]), true);
    assert.equal((await rpcError(s, 'verifychain', [9])).code, -8);
  });
});
