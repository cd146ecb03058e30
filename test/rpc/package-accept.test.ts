import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAddress } from '../../src/primitives/address.js';
import { toHex } from '../../src/primitives/bytes.js';
import { hash160 } from '../../src/primitives/hash.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { TestKey } from '../helpers/chain-harness.js';
import { type Stack, openStack } from './stack.js';

const key = new TestKey('rpc package accept');
const address = encodeAddress(hash160(key.publicKey), 'pcrt');
const COIN = 100_000_000n;
type Row = Record<string, unknown>;

describe('testmempoolaccept with a package (child spending its parent), as Core 25+', () => {
  let s: Stack;
  let coinbases: Transaction[];
  before(async () => {
    s = await openStack();
    const hashes = await s.client.call<string[]>('generatetoaddress', [104, address]);
    coinbases = [];
    for (const hash of hashes.slice(0, 4)) coinbases.push(Transaction.decode(Buffer.from(await s.client.call<string>('getblock', [hash, 0]), 'hex').subarray(81)));
  });
  after(() => s.close());

  const parentOf = (coinbase: Transaction, fee: bigint) => key.spend([{ outpoint: new OutPoint(coinbase.txidBytes(), 0), value: 50n * COIN }], [{ value: 50n * COIN - fee, script: key.script }]);
  const childOf = (parent: Transaction, fee: bigint) => key.spend([{ outpoint: new OutPoint(parent.txidBytes(), 0), value: parent.outputs[0].value }], [{ value: parent.outputs[0].value - fee, script: key.script }]);
  const hex = (tx: Transaction) => toHex(tx.encode());
  const accept = (txs: Transaction[]) => s.client.call<Row[]>('testmempoolaccept', [txs.map(hex)]);

  test('parent and child are both allowed; nothing is left in the pool; then both are really accepted', async () => {
    const parent = parentOf(coinbases[0], 10_000n);
    const child = childOf(parent, 20_000n);
    assert.deepEqual((await accept([child]))[0], { txid: child.txid(), wtxid: child.wtxid(), allowed: false, 'reject-reason': 'missing-inputs' }, 'alone, the child has no parent');
    const rows = await accept([parent, child]);
    assert.deepEqual(rows[0], { txid: parent.txid(), wtxid: parent.wtxid(), allowed: true, vsize: parent.vsize(), fees: { base: 0.0001, 'effective-feerate': Number(((10_000n * 1000n) / BigInt(parent.vsize())).toString()) / 1e8, 'effective-includes': [parent.wtxid()] } });
    assert.equal(rows[1].allowed, true);
    assert.equal(rows[1].vsize, child.vsize());
    assert.equal((rows[1].fees as Row).base, 0.0002);
    assert.deepEqual(await s.client.call('getrawmempool'), [], 'a test leaves nothing behind');
    await s.client.call('sendrawtransaction', [hex(parent)]);
    await s.client.call('sendrawtransaction', [hex(child)]);
    assert.deepEqual(new Set(await s.client.call<string[]>('getrawmempool')), new Set([parent.txid(), child.txid()]));
    // Already in the pool: refused in a package, as Core.
    const again = await accept([parent, child]);
    assert.equal(again[0].allowed, false);
    assert.match(again[0]['reject-reason'] as string, /^txn-already-in-mempool/);
  });

  test('package-level errors: unsorted, duplicated, conflicting', async () => {
    const parent = parentOf(coinbases[1], 10_000n);
    const child = childOf(parent, 10_000n);
    for (const row of await accept([child, parent])) assert.equal(row['package-error'], 'package-not-sorted');
    for (const row of await accept([parent, parent])) assert.equal(row['package-error'], 'package-contains-duplicates');
    const rival = parentOf(coinbases[1], 20_000n);
    const rows = await accept([parent, rival]);
    assert.deepEqual(rows.map((row) => row['package-error']), ['conflict-in-package', 'conflict-in-package']);
    assert.equal(rows[0].allowed, undefined, 'no per-tx verdict when the package is refused');
  });

  test('the first failure stops the package: a bad child signature after a good parent; a parent under the relay fee', async () => {
    const parent = parentOf(coinbases[2], 10_000n);
    const good = childOf(parent, 10_000n);
    const witness = [Uint8Array.from(good.inputs[0].witness[0]), good.inputs[0].witness[1]];
    witness[0][10] ^= 1;
    const forged = new Transaction({ ...good, inputs: [{ ...good.inputs[0], witness }] });
    const rows = await accept([parent, forged]);
    assert.equal(rows[0].allowed, true);
    assert.equal(rows[1].allowed, false);
    assert.match(rows[1]['reject-reason'] as string, /^mandatory-script-verify-flag-failed/);
    const cheap = parentOf(coinbases[3], 0n);
    const after = await accept([cheap, childOf(cheap, 50_000n)]);
    assert.equal(after[0].allowed, false);
    assert.match(after[0]['reject-reason'] as string, /min relay fee not met/);
    assert.deepEqual(Object.keys(after[1]), ['txid', 'wtxid'], 'unfinished: ids only, as Core');
  });

  test('maxfeerate: the first tx over the cap stops the report', async () => {
    const parent = parentOf(coinbases[2], COIN);
    const rows = await accept([parent, childOf(parent, 10_000n)]);
    assert.equal(rows[0]['reject-reason'], 'max-fee-exceeded');
    assert.deepEqual(Object.keys(rows[1]), ['txid', 'wtxid']);
  });
});
