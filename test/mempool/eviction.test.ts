import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transaction } from '../../src/primitives/index.js';
import { expectRule, type Fixture, openFixture, outputOf, pay, type Spendable } from './fixture.js';

/** A 1-in-1-out spend paying `rate` sat/vB. */
function payAtRate(coin: Spendable, rate: number): Transaction {
  const vsize = pay(coin, 0n).vsize();
  return pay(coin, BigInt(Math.round(rate * vsize)));
}

describe('size bound: eviction by descendant fee rate and the rolling minimum fee', () => {
  let f: Fixture;
  let unit: number;
  before(async () => {
    // Measure one entry's usage, then allow four and a half of them.
    const probe = await openFixture();
    await probe.mempool.acceptTransaction(pay(probe.coinbase(1), 1_000n));
    unit = probe.mempool.usage;
    await probe.close();
    f = await openFixture({ maxBytes: Math.floor(unit * 4.5) }, 12);
  });
  after(async () => f.close());

  const ids = () => new Set([...f.mempool.entries()].map((e) => e.txid));

  test('the lowest package goes with its descendants, and the floor rises above it', async () => {
    const low = payAtRate(f.coinbase(1), 2);
    const lowChild = payAtRate(outputOf(low), 3);
    const mid = payAtRate(f.coinbase(2), 5);
    const high = payAtRate(f.coinbase(3), 10);
    for (const tx of [low, lowChild, mid, high]) assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
    assert.equal(f.mempool.size, 4);
    f.events.length = 0;
    const newcomer = payAtRate(f.coinbase(4), 8);
    await f.mempool.acceptTransaction(newcomer);
    assert.deepEqual(ids(), new Set([mid.txid(), high.txid(), newcomer.txid()]));
    assert.deepEqual(f.events, [
      { kind: 'eviction', txid: lowChild.txid() },
      { kind: 'eviction', txid: low.txid() },
      { kind: 'accepted', txid: newcomer.txid() },
    ]);
    assert.ok(f.mempool.usage <= f.mempool.options.maxBytes);
    // Floor: the evicted package's ~2.5 sat/vB plus the 1 sat/vB incremental fee.
    const floor = f.mempool.minFeeRate();
    assert.ok(floor > 3_400 && floor < 3_600, `floor ${floor}`);
    assert.equal(f.mempool.info().mempoolminfee, floor / 1e8);
    await expectRule(f.mempool.acceptTransaction(payAtRate(f.coinbase(5), 3)), 'mempool min fee not met', 'ignore');
  });

  test('a cheap parent with a rich child (CPFP) outranks a middling tx', async () => {
    const parent = payAtRate(f.coinbase(6), 4);
    await f.mempool.acceptTransaction(parent);
    assert.equal(f.mempool.size, 4);
    const child = payAtRate(outputOf(parent), 20);
    await f.mempool.acceptTransaction(child);
    const pool = ids();
    assert.ok(pool.has(parent.txid()) && pool.has(child.txid()));
    assert.equal(f.mempool.size, 4, 'the 5 sat/vB tx went instead');
    assert.equal(f.mempool.minFeeRate(), 6_000, "the evicted tx's 5 sat/vB + 1");
  });

  test('a tx that would itself be the one evicted is refused as mempool full', async () => {
    const floor = f.mempool.minFeeRate() / 1000;
    const justAbove = payAtRate(f.coinbase(7), floor + 0.5);
    await expectRule(f.mempool.acceptTransaction(justAbove), 'mempool full', 'ignore');
    assert.ok(!f.mempool.has(justAbove.txid()));
    assert.equal(f.mempool.size, 4);
    assert.ok(!f.events.some((e) => e.txid === justAbove.txid()), 'never announced');
  });

  test('after a block the floor decays, halving every 12 hours (3 h while the pool is under a quarter full)', async () => {
    const before = f.mempool.minFeeRate();
    const fees = [...f.mempool.entries()].reduce((sum, e) => sum + e.fee, 0n);
    await f.mine(f.main.next({ txs: [...f.mempool.entries()].map((e) => e.tx), fees }));
    assert.equal(f.mempool.size, 0);
    f.clock.now += 3 * 3600;
    const after = f.mempool.minFeeRate();
    assert.ok(Math.abs(after - before / 2) <= 1, `${before} → ${after}`);
    f.clock.now += 24 * 3600;
    assert.equal(f.mempool.minFeeRate(), 1_000, 'back to the relay minimum');
  });
});
