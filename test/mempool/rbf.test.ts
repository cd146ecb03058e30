/**
 * BIP125 replace-by-fee as Core 28 (full-RBF by default): each rule gets a case that passes every
 * other rule, so the reason checked is the one that rule gives.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signTransaction } from '../../src/consensus/p2wpkh.js';
import { Transaction } from '../../src/primitives/index.js';
import { chainOf, expectRule, type Fixture, key, openFixture, other, outputOf, pay, type Spendable } from './fixture.js';

/** Like fixture.pay, with every input's sequence set (0xfffffffd signals BIP125). */
function paySequence(coins: Spendable[], fee: bigint, sequence: number): Transaction {
  const total = coins.reduce((sum, coin) => sum + coin.value, 0n) - fee;
  const unsigned = new Transaction({
    version: 2,
    inputs: coins.map(({ outpoint }) => ({ prevout: outpoint, scriptSig: new Uint8Array(0), sequence, witness: [] })),
    outputs: [{ value: total, script: key.script }],
    locktime: 0,
  });
  return signTransaction(unsigned, coins.map(({ value }) => ({ privateKey: key.privateKey, value })));
}

describe('replace-by-fee (full-RBF, Core 28 rules)', () => {
  let f: Fixture;
  let next = 1;
  const coin = () => f.coinbase(next++);
  before(async () => {
    f = await openFixture({ descendantLimit: 200, descendantSizeLimit: 1_000_000 }, 30);
  });
  after(async () => f.close());

  test('a better replacement evicts the conflict and its descendants, announced as replaced, then enters', async () => {
    const original = pay(coin(), 1_000n);
    const [child, grandchild] = chainOf(outputOf(original), 2, 500n);
    for (const tx of [original, child, grandchild]) await f.mempool.acceptTransaction(tx);
    f.events.length = 0;
    const replacement = pay(f.coinbase(next - 1), 5_000n, 1, other);
    const result = await f.mempool.acceptTransaction(replacement);
    assert.equal(result.status, 'accepted');
    for (const tx of [original, child, grandchild]) assert.ok(!f.mempool.has(tx.txid()), 'replaced txs leave');
    assert.equal(f.mempool.spentBy(replacement.inputs[0].prevout), replacement.txid());
    assert.deepEqual(f.events, [
      { kind: 'replaced', txid: grandchild.txid() },
      { kind: 'replaced', txid: child.txid() },
      { kind: 'replaced', txid: original.txid() },
      { kind: 'accepted', txid: replacement.txid() },
    ]);
    assert.equal(f.mempool.info().fullrbf, true);
  });

  test('the replaced event names the replacement', async () => {
    const original = pay(coin(), 1_000n);
    await f.mempool.acceptTransaction(original);
    const seen: Array<string | undefined> = [];
    const listener = ({ replacedBy }: { replacedBy?: string }) => seen.push(replacedBy);
    f.mempool.on('txRemoved', listener);
    const replacement = pay(f.coinbase(next - 1), 2_000n, 1, other);
    await f.mempool.acceptTransaction(replacement);
    f.mempool.off('txRemoved', listener);
    assert.deepEqual(seen, [replacement.txid()]);
  });

  test('rule 6: a higher absolute fee at a lower fee rate than the direct conflict is insufficient fee', async () => {
    const shared = coin();
    const original = pay(shared, 2_000n);
    await f.mempool.acceptTransaction(original);
    // Two inputs make it much bigger: more fee in total, less per vbyte.
    const bigger = pay([shared, coin()], 2_500n, 1, other);
    assert.ok(2_500 / bigger.vsize() < 2_000 / original.vsize());
    await assert.rejects(f.mempool.acceptTransaction(bigger), /new feerate .* <= old feerate/);
    await expectRule(f.mempool.acceptTransaction(bigger), 'insufficient fee', 'ignore');
    assert.ok(f.mempool.has(original.txid()));
  });

  test('rule 3: less than the fees of everything replaced (descendants included) is insufficient fee', async () => {
    const original = pay(coin(), 1_000n);
    const [rich] = chainOf(outputOf(original), 1, 20_000n);
    await f.mempool.acceptTransaction(original);
    await f.mempool.acceptTransaction(rich);
    const replacement = pay(f.coinbase(next - 1), 10_000n, 1, other); // beats the original's rate, not the package's fees
    await assert.rejects(f.mempool.acceptTransaction(replacement), /less fees than conflicting txs/);
    await expectRule(f.mempool.acceptTransaction(replacement), 'insufficient fee');
    assert.ok(f.mempool.has(rich.txid()));
  });

  test('rule 4: more fee, but not enough extra to pay for its own relay at the incremental rate, is insufficient fee', async () => {
    const original = pay(coin(), 1_000n);
    await f.mempool.acceptTransaction(original);
    const replacement = pay(f.coinbase(next - 1), 1_050n, 1, other);
    assert.ok(50 < replacement.vsize(), 'the extra 50 sat is below 1 sat/vB of its size');
    await assert.rejects(f.mempool.acceptTransaction(replacement), /not enough additional fees to relay/);
    // Paying the extra at 1 sat/vB is enough.
    const enough = pay(f.coinbase(next - 1), 1_000n + BigInt(replacement.vsize()), 1, other);
    assert.equal((await f.mempool.acceptTransaction(enough)).status, 'accepted');
  });

  test('rule 2: a replacement may not add an unconfirmed input the replaced txs did not have', async () => {
    const shared = coin();
    const original = pay(shared, 1_000n);
    const unrelated = pay(coin(), 1_000n);
    await f.mempool.acceptTransaction(original);
    await f.mempool.acceptTransaction(unrelated);
    const replacement = pay([shared, outputOf(unrelated)], 50_000n, 1, other);
    await assert.rejects(f.mempool.acceptTransaction(replacement), /adds unconfirmed input, idx 1/);
    await expectRule(f.mempool.acceptTransaction(replacement), 'replacement-adds-unconfirmed');
    // Spending a confirmed coin as the extra input is fine.
    const confirmedExtra = pay([shared, coin()], 50_000n, 1, other);
    assert.equal((await f.mempool.acceptTransaction(confirmedExtra)).status, 'accepted');
  });

  test('rule 5: evicting more than 100 txs (descendants counted) is too many potential replacements; 100 is allowed', async () => {
    for (const children of [100, 99]) {
      const root = pay(coin(), 10_000n, children);
      await f.mempool.acceptTransaction(root);
      for (let i = 0; i < children; i++) await f.mempool.acceptTransaction(pay(outputOf(root, i), 200n));
      assert.equal(f.mempool.get(root.txid())!.descendant.count, children + 1);
      const replacement = pay(f.coinbase(next - 1), 200_000n, 1, other);
      if (children + 1 > 100) {
        await assert.rejects(f.mempool.acceptTransaction(replacement), /too many potential replacements \(101 > 100\)/);
        await expectRule(f.mempool.acceptTransaction(replacement), 'too many potential replacements');
      } else {
        const sizeBefore = f.mempool.size;
        assert.equal((await f.mempool.acceptTransaction(replacement)).status, 'accepted');
        assert.equal(f.mempool.size, sizeBefore - 100 + 1);
      }
    }
  });

  test('a replacement spending an output of the tx it replaces is bad-txns-spends-conflicting-tx', async () => {
    const shared = coin();
    const original = pay(shared, 1_000n, 2);
    await f.mempool.acceptTransaction(original);
    const both = pay([shared, outputOf(original, 1)], 50_000n, 1, other);
    await expectRule(f.mempool.acceptTransaction(both), 'bad-txns-spends-conflicting-tx', 'reject');
  });

  test('testAccept says a replacement is allowed and removes nothing', async () => {
    const original = pay(coin(), 1_000n);
    await f.mempool.acceptTransaction(original);
    const replacement = pay(f.coinbase(next - 1), 3_000n, 1, other);
    const result = await f.mempool.testAccept(replacement);
    assert.equal(result.allowed, true, result.rejectReason);
    assert.ok(f.mempool.has(original.txid()));
    assert.ok(!f.mempool.has(replacement.txid()));
  });
});

describe('replace-by-fee limits and opt-in', () => {
  test('the last tx of a chain at the descendant limit can still be replaced (Core\'s RBF carve-in)', async () => {
    const f = await openFixture({}, 3);
    try {
      const txs = chainOf(f.coinbase(1), 25, 300n);
      for (const tx of txs) await f.mempool.acceptTransaction(tx);
      assert.equal(f.mempool.get(txs[0].txid())!.descendant.count, 25);
      const replacement = pay(outputOf(txs[23]), 3_000n, 1, other);
      assert.equal((await f.mempool.acceptTransaction(replacement)).status, 'accepted');
      assert.ok(!f.mempool.has(txs[24].txid()));
      assert.equal(f.mempool.get(txs[0].txid())!.descendant.count, 25);
      // A new 26th member (not a replacement) is still refused.
      await expectRule(f.mempool.acceptTransaction(pay(outputOf(replacement), 300n)), 'too-long-mempool-chain');
    } finally {
      await f.close();
    }
  });

  test('with full-RBF off, only a tx that signals BIP125 itself can be replaced; others are txn-mempool-conflict', async () => {
    const f = await openFixture({ fullRbf: false }, 3);
    try {
      assert.equal(f.mempool.info().fullrbf, false);
      const final = paySequence([f.coinbase(1)], 1_000n, 0xfffffffe);
      await f.mempool.acceptTransaction(final);
      await expectRule(f.mempool.acceptTransaction(pay(f.coinbase(1), 10_000n, 1, other)), 'txn-mempool-conflict', 'ignore');
      const signalling = paySequence([f.coinbase(2)], 1_000n, 0xfffffffd);
      await f.mempool.acceptTransaction(signalling);
      const replacement = pay(f.coinbase(2), 10_000n);
      assert.equal((await f.mempool.acceptTransaction(replacement)).status, 'accepted');
      assert.ok(!f.mempool.has(signalling.txid()));
      // A child of a signalling parent does not inherit the signal (Core checks the conflict itself).
      const child = paySequence([outputOf(replacement)], 500n, 0xffffffff);
      await f.mempool.acceptTransaction(child);
      await expectRule(f.mempool.acceptTransaction(pay(outputOf(replacement), 20_000n, 1, other)), 'txn-mempool-conflict');
    } finally {
      await f.close();
    }
  });
});
