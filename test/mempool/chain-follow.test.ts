import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_RELATIVES } from '../../src/mempool/entry.js';
import { chainOf, expectRule, type Fixture, openFixture, outputOf, pay } from './fixture.js';

describe('following the chain: blocks', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
  });
  after(async () => f.close());

  test('a block removes its txs (children stay) and every pool tx conflicting with it, with descendants', async () => {
    const a = pay(f.coinbase(1), 1_000n);
    const aChild = pay(outputOf(a), 1_000n);
    const loser = pay(f.coinbase(2), 1_000n);
    const loserChild = pay(outputOf(loser), 1_000n);
    for (const tx of [a, aChild, loser, loserChild]) await f.mempool.acceptTransaction(tx);
    assert.equal(f.mempool.get(aChild.txid())!.ancestor.count, 2);
    // The block mines `a` and a rival spend of block 2's coinbase.
    const rival = pay(f.coinbase(2), 5_000n);
    f.events.length = 0;
    await f.mine(f.main.next({ txs: [a, rival], fees: 6_000n }));
    assert.deepEqual([...f.mempool.entries()].map((e) => e.txid), [aChild.txid()]);
    const child = f.mempool.get(aChild.txid())!;
    assert.deepEqual(child.ancestor, { count: 1, vsize: aChild.vsize(), fee: 1_000n });
    assert.equal(child.parents.size, 0);
    // Unrelated entries share one empty set, which the links made and undone above never wrote.
    assert.equal(child.parents, NO_RELATIVES, 'its last parent gone, it holds no set of its own');
    assert.equal(child.children, NO_RELATIVES);
    assert.equal(NO_RELATIVES.size, 0);
    assert.deepEqual(f.events, [
      { kind: 'block', txid: a.txid() },
      { kind: 'conflict', txid: loserChild.txid() },
      { kind: 'conflict', txid: loser.txid() },
    ]);
    assert.equal(f.mempool.bytes, aChild.vsize());
  });

  test('the chain announces its new tip before the pool lets the block\'s txs go; idle() waits for that', async () => {
    const mined = pay(f.coinbase(8), 1_000n);
    await f.mempool.acceptTransaction(mined);
    const inPoolAtTip: boolean[] = [];
    const onTip = () => inPoolAtTip.push(f.mempool.has(mined.txid()));
    f.h.chain.on('tipChanged', onTip);
    try {
      await f.h.chain.processBlock(f.main.next({ txs: [mined], fees: 1_000n }));
    } finally {
      f.h.chain.off('tipChanged', onTip);
    }
    assert.deepEqual(inPoolAtTip, [true], 'the relay hears of the tip without waiting for the removals');
    await f.mempool.idle();
    assert.equal(f.mempool.has(mined.txid()), false);
  });

  test('spending a coin the chain already spent is bad-txns-inputs-missingorspent', async () => {
    await expectRule(f.mempool.acceptTransaction(pay(f.coinbase(2), 9_000n)), 'bad-txns-inputs-missingorspent', 'ignore');
    assert.equal(f.mempool.orphanCount, 0);
  });

  test('a tx already mined is txn-already-known', async () => {
    const mined = f.main.tip.txs[1];
    await expectRule(f.mempool.acceptTransaction(mined), 'txn-already-known', 'ignore');
  });

  test('signatures checked on entry are cached: the block connects without verifying them again', async () => {
    const txs = [3, 4, 5].map((height) => pay(f.coinbase(height), 1_000n, 2));
    for (const tx of txs) await f.mempool.acceptTransaction(tx);
    const before = f.verifier.verified;
    await f.mine(f.main.next({ txs, fees: 3_000n }));
    assert.equal(f.h.chain.height, f.main.height);
    assert.equal(f.verifier.verified, before, 'no signature verified at block connect');
    assert.equal(f.mempool.size, 1, 'only the earlier child remains');
  });

  test('txs expire after expiryHours, with their descendants', async () => {
    const parent = pay(f.coinbase(6), 1_000n);
    const child = pay(outputOf(parent), 1_000n);
    await f.mempool.acceptTransaction(parent);
    f.clock.now += 3600;
    await f.mempool.acceptTransaction(child);
    const young = pay(f.coinbase(7), 1_000n);
    f.clock.now += 335 * 3600;
    await f.mempool.acceptTransaction(young);
    assert.ok(f.mempool.has(parent.txid()), 'exactly 336 hours is not yet expired');
    f.clock.now += 1;
    f.events.length = 0;
    await f.mine(f.main.next());
    assert.ok(!f.mempool.has(parent.txid()) && !f.mempool.has(child.txid()));
    assert.ok(f.mempool.has(young.txid()));
    assert.deepEqual(new Set(f.events.map((e) => e.kind)), new Set(['expiry']));
  });
});

describe('following the chain: reorgs', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture({}, 10);
  });
  after(async () => f.close());

  test('a multi-block reorg puts the disconnected txs back and drops those the new chain conflicts with', async () => {
    const stays = pay(f.coinbase(1), 1_000n);
    const staysChild = pay(outputOf(stays), 1_000n);
    const doubleSpent = pay(f.coinbase(2), 1_000n);
    const remined = pay(f.coinbase(3), 1_000n);
    const fromCoinbase = pay(f.coinbase(10), 1_000n); // spends a coinbase the reorg removes
    const poolOnly = pay(f.coinbase(4), 1_000n);
    const forkHeight = f.main.height;
    await f.mine(f.main.next({ txs: [stays, doubleSpent], fees: 2_000n }), f.main.next({ txs: [staysChild, remined], fees: 2_000n }));
    for (const tx of [fromCoinbase, poolOnly]) assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
    assert.equal(f.mempool.size, 2);
    // A fork from height 9 replaces blocks 10, 11 and 12 with four of its own: a depth-3 reorg.
    const fork = f.main.forkAt(forkHeight - 1, 7);
    const rival = pay(f.coinbase(2), 7_000n);
    const reorgs: number[] = [];
    f.h.chain.once('reorg', ({ depth }) => reorgs.push(depth));
    f.events.length = 0;
    await f.mine(fork.next({ txs: [rival], fees: 7_000n }), fork.next({ txs: [remined], fees: 1_000n }), fork.next(), fork.next());
    assert.deepEqual(reorgs, [3]);
    assert.equal(f.h.chain.tip.hash, fork.tip.hash());
    const pool = new Set([...f.mempool.entries()].map((e) => e.txid));
    assert.ok(pool.has(stays.txid()) && pool.has(staysChild.txid()), 'disconnected txs are back');
    assert.ok(!pool.has(doubleSpent.txid()), 'conflicts with the new chain');
    assert.ok(!pool.has(remined.txid()), 'mined again on the new chain');
    assert.ok(!pool.has(fromCoinbase.txid()), 'its coinbase no longer exists');
    assert.ok(pool.has(poolOnly.txid()));
    assert.equal(f.mempool.size, 3);
    assert.deepEqual(f.mempool.get(staysChild.txid())!.ancestor.count, 2);
    assert.deepEqual([...f.mempool.get(stays.txid())!.children], [staysChild.txid()]);
    const accepted = f.events.filter((e) => e.kind === 'accepted').map((e) => e.txid);
    assert.deepEqual(accepted, [stays.txid(), staysChild.txid()]);
    assert.deepEqual(f.events.filter((e) => e.kind === 'reorg').map((e) => e.txid), [fromCoinbase.txid()]);
  });
});

describe('following the chain: a reorg that lengthens the pool\'s chains', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture({}, 8);
  });
  after(async () => f.close());

  test('the pool keeps its own txs past the package limits once the txs put back precede them (as Core); what is put back is still limited', async () => {
    const forkHeight = f.main.height;
    const mined = chainOf(f.coinbase(1), 10, 1_000n);
    await f.mine(f.main.next({ txs: mined, fees: 10_000n }));
    const pool = chainOf(outputOf(mined.at(-1)!), 20, 1_000n);
    for (const tx of pool) assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
    f.events.length = 0;
    const fork = f.main.forkAt(forkHeight, 9);
    await f.mine(fork.next(), fork.next());
    assert.equal(f.h.chain.tip.hash, fork.tip.hash());
    assert.deepEqual([...mined, ...pool].filter((tx) => !f.mempool.has(tx.txid())).length, 0, 'every tx of the chain is in the pool');
    assert.equal(f.mempool.get(pool.at(-1)!.txid())!.ancestor.count, 30);
    assert.deepEqual(f.events.filter((e) => e.kind !== 'accepted'), [], 'nothing dropped');
    // A new child of the 30-long chain is over the limit as before.
    await expectRule(f.mempool.acceptTransaction(pay(outputOf(pool.at(-1)!), 1_000n)), 'too-long-mempool-chain');
  });
});
