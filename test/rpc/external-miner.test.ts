/**
 * A getblocktemplate miner written apart from ours, as cpuminer works: bitcoinjs-lib assembles
 * the block from the template JSON alone, the coinbase carries the witness commitment but NO
 * witness (no reserved value), the test grinds the nonce, and submitblock must accept it — as
 * Core's submitblock does by filling in the witness nonce. Then BIP22 long polling.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as bitcoin from 'bitcoinjs-lib';
import { LongPoll } from '../../src/rpc/longpoll.js';
import { type Stack, openStack } from './stack.js';

interface Gbt {
  version: number;
  previousblockhash: string;
  transactions: Array<{ data: string; txid: string; hash: string }>;
  coinbasevalue: number;
  curtime: number;
  bits: string;
  height: number;
  longpollid: string;
  default_witness_commitment?: string;
}

const PAYOUT = Buffer.from('0014' + 'ab'.repeat(20), 'hex');

/** cpuminer's way: BIP34 height + extranonce in the scriptSig, payout + commitment outputs, no witness. */
function externalBlock(t: Gbt, extranonce: number): bitcoin.Block {
  const coinbase = new bitcoin.Transaction();
  coinbase.version = 1;
  const scriptSig = bitcoin.script.compile([bitcoin.script.number.encode(t.height), bitcoin.script.number.encode(extranonce)]);
  coinbase.addInput(Buffer.alloc(32), 0xffffffff, 0xffffffff, Buffer.from(scriptSig));
  coinbase.addOutput(PAYOUT, BigInt(t.coinbasevalue));
  if (t.default_witness_commitment) coinbase.addOutput(Buffer.from(t.default_witness_commitment, 'hex'), 0n);
  const block = new bitcoin.Block();
  block.version = t.version;
  block.prevHash = Buffer.from(t.previousblockhash, 'hex').reverse();
  block.timestamp = t.curtime;
  block.bits = Number.parseInt(t.bits, 16);
  block.transactions = [coinbase, ...t.transactions.map((tx) => bitcoin.Transaction.fromHex(tx.data))];
  block.merkleRoot = bitcoin.Block.calculateMerkleRoot(block.transactions);
  // Regtest's target passes about every other hash; the ceiling only stops a broken loop.
  for (block.nonce = 0; block.nonce < 1_000_000 && !block.checkProofOfWork(); block.nonce++);
  assert.ok(block.checkProofOfWork(), 'no nonce found');
  return block;
}

/** Core's long poll looks at the pool only after a minute: a wake-up must come from the tip well before. */
const TIP_WAKE_CEILING_MS = 40_000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const ceiling = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)));
  return Promise.race([promise, ceiling]).finally(() => clearTimeout(timer));
}

/** A promise's state without waiting for it. */
function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled, promise };
}

describe('external getblocktemplate miner', () => {
  let s: Stack;
  let address: string;
  before(async () => {
    s = await openStack({ wallet: true });
    address = await s.client.call<string>('getnewaddress');
    await s.client.call('generatetoaddress', [101, address]);
  });
  after(() => s.close());

  test('a block with txs and a witness-less coinbase is accepted (null) and becomes the tip', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) sent.push(await s.client.call<string>('sendtoaddress', [address, 1]));
    const template = await s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'] }]);
    assert.deepEqual(new Set(template.transactions.map((tx) => tx.txid)), new Set(sent));
    // Our wallet's payments are segwit spends, so the commitment covers real witnesses.
    assert.ok(template.transactions.every((tx) => tx.txid !== tx.hash));
    assert.match(template.default_witness_commitment ?? '', /^6a24aa21a9ed[0-9a-f]{64}$/);
    const block = externalBlock(template, 7);
    assert.equal(block.transactions![0].hasWitnesses(), false);
    const before = await s.client.call<number>('getblockcount');
    assert.equal(await s.client.call('submitblock', [block.toHex()]), null);
    assert.equal(await s.client.call('getbestblockhash'), block.getId());
    assert.equal(await s.client.call('getblockcount'), before + 1);
    // The stored coinbase carries the filled-in 32-byte zero nonce.
    const stored = await s.client.call<{ tx: Array<{ vin: Array<{ txinwitness?: string[] }> }> }>('getblock', [block.getId(), 2]);
    assert.deepEqual(stored.tx[0].vin[0].txinwitness, ['00'.repeat(32)]);
    assert.equal((await s.client.call<{ size: number }>('getmempoolinfo')).size, 0);
  });

  test('long poll: waits through other calls and a mempool change, returns when another client mines', async () => {
    const template = await s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'] }]);
    assert.equal(template.longpollid.slice(0, 64), template.previousblockhash);
    const waiting = track(s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'], longpollid: template.longpollid }]));
    // The server keeps answering others meanwhile, and a new pool tx alone (under a minute) does not end the wait.
    await s.client.call('sendtoaddress', [address, 1]);
    for (let i = 0; i < 5; i++) await s.client.call('getblockcount');
    // Time for a wrong implementation (one that wakes on any pool change) to answer.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(waiting.settled(), false);
    await s.client.call('generatetoaddress', [1, address]);
    const fresh = await within(waiting.promise, TIP_WAKE_CEILING_MS, 'the long poll did not end on the new tip');
    assert.equal(fresh.height, template.height + 1);
    assert.equal(fresh.previousblockhash, await s.client.call('getbestblockhash'));
    assert.notEqual(fresh.longpollid, template.longpollid);
  });

  test('long poll: a stale longpollid answers at once; a block by an external miner also ends a wait', async () => {
    const old = await s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'] }]);
    const waiting = track(s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'], longpollid: old.longpollid }]));
    await s.client.call('getblockcount');
    assert.equal(waiting.settled(), false);
    assert.equal(await s.client.call('submitblock', [externalBlock(old, 8).toHex()]), null);
    assert.equal((await within(waiting.promise, TIP_WAKE_CEILING_MS, 'the long poll did not end on the new tip')).height, old.height + 1);
    const stale = await s.client.call<Gbt>('getblocktemplate', [{ rules: ['segwit'], longpollid: old.longpollid }]);
    assert.equal(stale.height, old.height + 1);
  });

  test('long poll: after the first mempool check a changed pool ends the wait; close() ends it too', async () => {
    const poll = new LongPoll(s.chain, s.mempool, { firstMempoolCheckMs: 100, mempoolRecheckMs: 50 });
    try {
      const id = poll.id();
      await s.client.call('sendtoaddress', [address, 1]);
      await poll.wait(id);
      assert.equal(s.chain.tip.hash, id.slice(0, 64), 'the tip did not move: the pool change ended the wait');
      const quiet = track(poll.wait(poll.id()));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(quiet.settled(), false, 'no pool change and no new tip: still waiting after the checks');
      poll.close();
      await quiet.promise;
    } finally {
      poll.close();
    }
  });
});
