import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as bitcoin from 'bitcoinjs-lib';
import { type Stack, openStack, rpcError } from './stack.js';

const PAYOUT = Buffer.from('0014' + '11'.repeat(20), 'hex');

interface Gbt {
  version: number;
  previousblockhash: string;
  transactions: Array<{ data: string; txid: string }>;
  coinbasevalue: number;
  target: string;
  curtime: number;
  bits: string;
  height: number;
  default_witness_commitment?: string;
  rules: string[];
  mintime: number;
}

/** As a third-party getblocktemplate miner does it, with bitcoinjs-lib: our coinbase, the merkle root, the nonce. */
function blockFromTemplate(t: Gbt): bitcoin.Block {
  const coinbase = new bitcoin.Transaction();
  coinbase.version = 1;
  const scriptSig = bitcoin.script.compile([bitcoin.script.number.encode(t.height), Buffer.from('cpuminer-like')]);
  coinbase.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, Buffer.from(scriptSig));
  coinbase.addOutput(PAYOUT, BigInt(t.coinbasevalue));
  if (t.default_witness_commitment) {
    coinbase.addOutput(Buffer.from(t.default_witness_commitment, 'hex'), 0n);
    coinbase.setWitness(0, [Buffer.alloc(32)]);
  }
  const block = new bitcoin.Block();
  block.version = t.version;
  block.prevHash = Buffer.from(t.previousblockhash, 'hex').reverse();
  block.timestamp = t.curtime;
  block.bits = parseInt(t.bits, 16);
  block.transactions = [coinbase, ...t.transactions.map((tx) => bitcoin.Transaction.fromHex(tx.data))];
  block.merkleRoot = bitcoin.Block.calculateMerkleRoot(block.transactions);
  block.nonce = 0;
  while (!block.checkProofOfWork()) block.nonce++;
  return block;
}

describe('mining methods', () => {
  let s: Stack;
  before(async () => {
    s = await openStack();
  });
  after(() => s.close());

  test('getblocktemplate needs the segwit rule (-8)', async () => {
    assert.equal((await rpcError(s, 'getblocktemplate', [{}])).code, -8);
  });

  test('a block built from getblocktemplate by bitcoinjs-lib is accepted (null), then "duplicate"', async () => {
    const template = await s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'] }]);
    assert.deepEqual(template.rules, ['!segwit']);
    assert.equal(template.height, 1);
    assert.equal(template.coinbasevalue, 50 * 1e8);
    assert.match(template.default_witness_commitment ?? '', /^6a24aa21a9ed[0-9a-f]{64}$/);
    const block = blockFromTemplate(template);
    assert.equal(await s.client.call('submitblock', [block.toHex()]), null);
    assert.equal(await s.client.call('getbestblockhash'), block.getId());
    assert.equal(await s.client.call('submitblock', [block.toHex()]), 'duplicate');
  });

  test('submitblock answers the rule code for a bad block, inconclusive for an orphan, -22 for garbage', async () => {
    const template = await s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'] }]);
    const block = blockFromTemplate(template);
    block.merkleRoot = Buffer.alloc(32, 1);
    while (!block.checkProofOfWork()) block.nonce++;
    assert.equal(await s.client.call('submitblock', [block.toHex()]), 'bad-txnmrklroot');
    const orphan = blockFromTemplate({ ...template, previousblockhash: '22'.repeat(32) });
    assert.equal(await s.client.call('submitblock', [orphan.toHex()]), 'inconclusive');
    assert.equal((await rpcError(s, 'submitblock', ['00'])).code, -22);
  });

  test('generatetoaddress mines at once; -5 for a bad address', async () => {
    const before = await s.client.call<number>('getblockcount');
    const hashes = await s.client.call<string[]>('generatetoaddress', [3, 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke']);
    assert.equal(hashes.length, 3);
    assert.equal(await s.client.call('getblockcount'), before + 3);
    assert.deepEqual(await rpcError(s, 'generatetoaddress', [1, 'bc1qnotours']), { code: -5, message: 'Error: Invalid address' });
  });

  test('generateblock mines the given transactions only; -5 for a txid not in the pool', async () => {
    const { hash } = await s.client.call<{ hash: string }>('generateblock', ['pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke', []]);
    assert.equal(await s.client.call('getbestblockhash'), hash);
    assert.equal((await rpcError(s, 'generateblock', ['pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke', ['ab'.repeat(32)]])).code, -5);
  });

  test('getmininginfo and getnetworkhashps report figures', async () => {
    const info = await s.client.call<Record<string, unknown>>('getmininginfo');
    assert.equal(info.blocks, await s.client.call('getblockcount'));
    assert.equal(info.chain, 'regtest');
    assert.equal(typeof (await s.client.call('getnetworkhashps')), 'number');
  });

  test('long poll: a template request with the current longpollid returns once the tip moves', async () => {
    const template = await s.client.call<Gbt & { longpollid: string }>('getblocktemplate', [{ rules: ['segwit'] }]);
    const waiting = s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'], longpollid: template.longpollid }]);
    await s.client.call('generatetoaddress', [1, 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke']);
    assert.equal((await waiting).height, template.height + 1);
  });
});
