import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutPoint, Transaction } from '../../src/primitives/index.js';
import { chainOf, expectRule, type Fixture, openFixture, other, outputOf, pay, txids } from './fixture.js';

describe('mempool acceptance', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
  });
  after(async () => f.close());

  test('a valid spend enters with its fee, size and package figures', async () => {
    const tx = pay(f.coinbase(1), 1_000n);
    const result = await f.mempool.acceptTransaction(tx);
    assert.equal(result.status, 'accepted');
    const entry = f.mempool.get(tx.txid())!;
    assert.equal(entry.fee, 1_000n);
    assert.equal(entry.vsize, tx.vsize());
    assert.equal(entry.weight, tx.weight());
    assert.equal(entry.wtxid, tx.wtxid());
    assert.equal(entry.height, f.h.chain.height);
    assert.equal(entry.time, f.clock.now);
    assert.ok(Math.abs(entry.feeRate - 1000 / tx.vsize()) < 1e-9);
    assert.deepEqual(entry.ancestor, { count: 1, vsize: tx.vsize(), fee: 1_000n });
    assert.deepEqual(entry.descendant, { count: 1, vsize: tx.vsize(), fee: 1_000n });
    assert.equal(f.mempool.size, 1);
    assert.equal(f.mempool.bytes, tx.vsize());
    assert.equal(f.mempool.spentBy(tx.inputs[0].prevout), tx.txid());
    assert.deepEqual(f.mempool.getCoin(outputOf(tx).outpoint)?.value, tx.outputs[0].value);
    assert.deepEqual(f.events, [{ kind: 'accepted', txid: tx.txid() }]);
    const info = f.mempool.info();
    assert.equal(info.size, 1);
    assert.equal(info.bytes, tx.vsize());
    assert.equal(info.total_fee, 0.00001);
    assert.equal(info.minrelaytxfee, 0.00001);
    assert.equal(info.mempoolminfee, 0.00001);
    assert.equal(info.maxmempool, 300_000_000);
    assert.ok(info.usage > tx.size());
  });

  test('the same tx again is txn-already-in-mempool; a double spend paying no more is insufficient fee (not punished)', async () => {
    const tx = pay(f.coinbase(1), 1_000n);
    await expectRule(f.mempool.acceptTransaction(tx), 'txn-already-in-mempool', 'ignore');
    const rival = pay(f.coinbase(1), 1_000n, 1, other);
    await expectRule(f.mempool.acceptTransaction(rival), 'insufficient fee', 'ignore');
    assert.ok(!f.mempool.has(rival.txid()));
  });

  test('a witness-stripped or witness-altered copy of a pool tx is txn-same-nonwitness-data-in-mempool (not punished)', async () => {
    const tx = pay(f.coinbase(7), 1_000n);
    assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
    const stripped = withWitnesses(tx, () => []);
    const altered = withWitnesses(tx, (witness) => [...witness, Uint8Array.of(1)]);
    for (const copy of [stripped, altered]) {
      assert.equal(copy.txid(), tx.txid());
      assert.notEqual(copy.wtxid(), tx.wtxid());
      await expectRule(f.mempool.acceptTransaction(copy), 'txn-same-nonwitness-data-in-mempool', 'ignore');
      assert.equal(f.mempool.get(tx.txid())?.wtxid, tx.wtxid(), 'the pool keeps the copy it had');
    }
    await expectRule(f.mempool.acceptTransaction(tx), 'txn-already-in-mempool', 'ignore');
  });

  test('a witness-stripped tx whose original is not in the pool is refused without blame (Core: TX_WITNESS_STRIPPED); the real one then enters', async () => {
    const tx = pay(f.coinbase(8), 1_000n);
    await expectRule(f.mempool.acceptTransaction(withWitnesses(tx, () => [])), 'mandatory-script-verify-flag-failed', 'ignore');
    assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
  });

  test('a chain of unconfirmed txs: parents, children and ancestor/descendant sums', async () => {
    const [a, b, c] = chainOf(f.coinbase(2), 3, 500n);
    for (const tx of [a, b, c]) assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
    const ea = f.mempool.get(a.txid())!;
    const ec = f.mempool.get(c.txid())!;
    assert.deepEqual([...ec.parents], [b.txid()]);
    assert.deepEqual([...ea.children], [b.txid()]);
    assert.deepEqual(ec.ancestor, { count: 3, vsize: a.vsize() + b.vsize() + c.vsize(), fee: 1_500n });
    assert.deepEqual(ea.descendant, { count: 3, vsize: a.vsize() + b.vsize() + c.vsize(), fee: 1_500n });
    assert.deepEqual(txids(f.mempool.ancestorsOf(c.txid())), [a.txid(), b.txid()].sort());
    assert.deepEqual(txids(f.mempool.descendantsOf(a.txid())), [b.txid(), c.txid()].sort());
    // A pool output spent twice is a conflict too: replacing b and c needs more than their 1,000 sat.
    await expectRule(f.mempool.acceptTransaction(pay(outputOf(a), 900n)), 'insufficient fee');
    assert.equal(f.mempool.getCoin(outputOf(a).outpoint), undefined, 'spent in the pool');
  });

  test('an output index the pool parent lacks is missing-or-spent, not an orphan', async () => {
    const parent = [...f.mempool.entries()][0].tx;
    const bogus = pay({ outpoint: new OutPoint(parent.txidBytes(), 7), value: 100_000n }, 1_000n);
    await expectRule(f.mempool.acceptTransaction(bogus), 'bad-txns-inputs-missingorspent');
  });

  test('a bad signature is refused and punished', async () => {
    const good = pay(f.coinbase(3), 1_000n);
    const [sig, pub] = good.inputs[0].witness;
    const bad = Uint8Array.from(sig);
    bad[10] ^= 0x01; // inside r: still strict DER, wrong value
    const forged = new Transaction({ ...good, inputs: [{ ...good.inputs[0], witness: [bad, pub] }] });
    await expectRule(f.mempool.acceptTransaction(forged), 'mandatory-script-verify-flag-failed', 'reject');
    // A non-empty scriptSig is a script failure too (Witness requires empty scriptSig), as in Core.
    const malleated = new Transaction({ ...good, inputs: [{ ...good.inputs[0], scriptSig: Uint8Array.of(0x00) }] });
    await expectRule(f.mempool.acceptTransaction(malleated), 'mandatory-script-verify-flag-failed', 'reject');
    assert.ok(!f.mempool.has(forged.txid()));
  });

  test('testAccept runs the checks and adds nothing', async () => {
    const tx = pay(f.coinbase(3), 1_000n);
    const size = f.mempool.size;
    const ok = await f.mempool.testAccept(tx);
    assert.equal(ok.allowed, true);
    assert.equal(ok.fee, 1_000n);
    assert.equal(ok.vsize, tx.vsize());
    assert.equal(f.mempool.size, size);
    const conflict = await f.mempool.testAccept(pay(f.coinbase(1), 1_000n, 1, other));
    assert.deepEqual([conflict.allowed, conflict.rejectReason], [false, 'insufficient fee']);
    const unknown = await f.mempool.testAccept(pay({ outpoint: outputOf(tx).outpoint, value: tx.outputs[0].value }, 1_000n));
    assert.deepEqual([unknown.allowed, unknown.rejectReason], [false, 'missing-inputs']);
    assert.equal(f.mempool.orphanCount, 0);
  });

  test('acceptances are serialised: concurrent double spends, one wins', async () => {
    // Highest fee first: the later ones cannot replace it.
    const spends = [3_000n, 2_000n, 1_000n].map((fee) => pay(f.coinbase(4), fee));
    const results = await Promise.allSettled(spends.map((tx) => f.mempool.acceptTransaction(tx)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected']);
  });

  test('ancestor limit: the 26th tx of an unconfirmed chain is too-long-mempool-chain', async () => {
    const txs = chainOf(f.coinbase(5), 26, 300n);
    for (const tx of txs.slice(0, 25)) assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
    assert.equal(f.mempool.get(txs[24].txid())!.ancestor.count, 25);
    await expectRule(f.mempool.acceptTransaction(txs[25]), 'too-long-mempool-chain', 'ignore');
    assert.equal(f.mempool.get(txs[0].txid())!.descendant.count, 25);
  });

  test('descendant limit: a second child of a 25-tx package root is refused', async () => {
    const root = pay(f.coinbase(6), 1_000n, 2);
    assert.equal((await f.mempool.acceptTransaction(root)).status, 'accepted');
    for (const tx of chainOf(outputOf(root, 0), 24, 300n)) await f.mempool.acceptTransaction(tx);
    await expectRule(f.mempool.acceptTransaction(pay(outputOf(root, 1), 300n)), 'too-long-mempool-chain');
  });

  test('a coinbase is only valid in a block', async () => {
    await expectRule(f.mempool.acceptTransaction(f.main.at(7).txs[0]), 'coinbase', 'reject');
  });
});

function withWitnesses(tx: Transaction, change: (witness: readonly Uint8Array[]) => Uint8Array[]): Transaction {
  return new Transaction({ ...tx, inputs: tx.inputs.map((input) => ({ ...input, witness: change(input.witness) })) });
}
