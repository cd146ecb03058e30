import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction } from '../../src/primitives/index.js';
import { chainOf, type Fixture, openFixture, outputOf, pay } from './fixture.js';

describe('orphan transactions', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture({ maxOrphans: 3 });
  });
  after(async () => f.close());

  test('children arriving first wait as orphans and enter when their parent does', async () => {
    const [a, b, c] = chainOf(f.coinbase(1), 3, 1_000n);
    const orphanC = await f.mempool.acceptTransaction(c);
    assert.deepEqual(orphanC, { status: 'orphan', txid: c.txid(), wtxid: c.wtxid(), missing: [b.txid()] });
    assert.equal((await f.mempool.acceptTransaction(b)).status, 'orphan');
    assert.equal(f.mempool.orphanCount, 2);
    assert.ok(f.mempool.hasOrphan(b.txid()) && !f.mempool.has(b.txid()));
    const result = await f.mempool.acceptTransaction(a);
    assert.equal(result.status, 'accepted');
    assert.deepEqual(result.status === 'accepted' && result.resolved, [b.txid(), c.txid()]);
    assert.equal(f.mempool.orphanCount, 0);
    assert.equal(f.mempool.get(c.txid())!.ancestor.count, 3);
    assert.deepEqual(f.events.map((e) => e.txid), [a.txid(), b.txid(), c.txid()]);
  });

  test('the orphan pool is bounded: the oldest orphan makes room', async () => {
    const parents = [2, 3, 4, 5].map((height) => pay(f.coinbase(height), 1_000n));
    const children = parents.map((parent) => pay(outputOf(parent), 1_000n));
    for (const child of children) assert.equal((await f.mempool.acceptTransaction(child)).status, 'orphan');
    assert.equal(f.mempool.orphanCount, 3);
    assert.ok(!f.mempool.hasOrphan(children[0].txid()), 'oldest evicted');
    await f.mempool.acceptTransaction(parents[0]);
    assert.ok(!f.mempool.has(children[0].txid()));
    await f.mempool.acceptTransaction(parents[1]);
    assert.ok(f.mempool.has(children[1].txid()));
  });

  test('orphans expire after 20 minutes', async () => {
    assert.equal(f.mempool.orphanCount, 2);
    f.clock.now += 20 * 60;
    await f.mempool.acceptTransaction(pay(f.coinbase(6), 1_000n));
    assert.equal(f.mempool.orphanCount, 0);
  });

  test('an orphan whose parent is mined in a block enters when the block connects', async () => {
    const parent = pay(f.coinbase(7), 1_000n);
    const child = pay(outputOf(parent), 1_000n);
    assert.equal((await f.mempool.acceptTransaction(child)).status, 'orphan');
    await f.mine(f.main.next({ txs: [parent], fees: 1_000n }));
    assert.ok(f.mempool.has(child.txid()));
    assert.equal(f.mempool.get(child.txid())!.ancestor.count, 1);
  });

  test('an orphan spending a coin a block spends is dropped when the block connects; others stay', async () => {
    const missingParent = pay(f.coinbase(5), 1_000n);
    const [confirmedCoin, otherCoin] = [f.coinbase(6), f.coinbase(4)];
    const doomed = pay([outputOf(missingParent), confirmedCoin], 1_000n);
    const kept = pay(outputOf(pay(f.coinbase(3), 2_000n)), 1_000n);
    assert.equal((await f.mempool.acceptTransaction(doomed)).status, 'orphan');
    assert.equal((await f.mempool.acceptTransaction(kept)).status, 'orphan');
    await f.mine(f.main.next({ txs: [pay([otherCoin, confirmedCoin], 1_000n)], fees: 1_000n }));
    await f.mempool.idle();
    assert.ok(!f.mempool.hasOrphan(doomed.txid()), 'the orphan double-spending the block is gone');
    assert.ok(f.mempool.hasOrphan(kept.txid()), 'an unrelated orphan stays');
  });

  test('a witness-stripped or altered orphan does not shut out the real one: each copy is tried when the parent comes', async () => {
    const parent = pay(f.coinbase(8), 1_000n);
    const child = pay(outputOf(parent), 1_000n);
    const stripped = withWitnesses(child, () => []);
    const altered = withWitnesses(child, ([sig, ...rest]) => [Uint8Array.from(sig, (byte, i) => (i === 10 ? byte ^ 1 : byte)), ...rest]);
    for (const copy of [stripped, altered, child]) assert.equal((await f.mempool.acceptTransaction(copy)).status, 'orphan');
    assert.equal(f.mempool.orphanCount, 3, 'three copies of one txid held');
    const result = await f.mempool.acceptTransaction(parent);
    assert.deepEqual(result.status === 'accepted' && result.resolved, [child.txid()]);
    assert.equal(f.mempool.get(child.txid())?.wtxid, child.wtxid(), 'the real copy entered');
    assert.equal(f.mempool.orphanCount, 0);
  });
});

function withWitnesses(tx: Transaction, change: (witness: readonly Uint8Array[]) => Uint8Array[]): Transaction {
  return new Transaction({ ...tx, inputs: tx.inputs.map((input) => ({ ...input, witness: change(input.witness) })) });
}
