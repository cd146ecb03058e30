/**
 * Coin selection as Core's: the three algorithms on their own, the least-waste choice between
 * them, and the eligibility tiers that keep a send away from chains the mempool would refuse.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WalletError } from '../../src/wallet/errors.js';
import { type Candidate, feeFor, selectCoins } from '../../src/wallet/selection.js';
import { CHANGE_LOWER, branchAndBound, knapsack, singleRandomDraw } from '../../src/wallet/selection/algorithms.js';
import { P2WPKH_INPUT_VSIZE } from '../../src/wallet/selection/sizes.js';

/** A repeatable [0, 1) sequence (xorshift), so random draws can be replayed. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const pool = (values: bigint[], waste = 0n) => ({ effective: values, inputWaste: values.map(() => waste) });
const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const coin = (value: bigint, depth = 6, extra: Partial<Candidate> = {}): Candidate => ({ value, depth, trusted: true, ...extra });
const COIN = 100_000_000n;

describe('branch and bound', () => {
  test('finds a subset inside [target, target + cost of change], none when there is none', () => {
    const values = [50_000n, 31_000n, 20_000n, 12_000n, 7_000n];
    const picked = branchAndBound(pool(values), 43_000n, 0n)!;
    assert.equal(sum(picked.map((i) => values[i])), 43_000n); // 31,000 + 12,000
    const windowed = branchAndBound(pool(values), 40_000n, 500n);
    assert.equal(windowed, undefined, 'no subset in [40,000, 40,500]');
    assert.equal(branchAndBound(pool(values), 200_000n, 1_000n), undefined);
  });

  test('of several matches, the least waste: more inputs when fees are low, fewer when high', () => {
    const values = [30_000n, 20_000n, 10_000n];
    const low = branchAndBound(pool(values, -100n), 30_000n, 0n)!;
    assert.equal(low.length, 2, 'below the long-term rate, spending more now wastes less');
    const high = branchAndBound(pool(values, 100n), 30_000n, 0n)!;
    assert.deepEqual(high, [0]);
  });
});

describe('knapsack and single random draw', () => {
  test('knapsack: an exact coin; else the smallest larger coin when the small ones cannot pay', () => {
    const random = seeded(7);
    assert.deepEqual(knapsack(pool([9n, 40_000n, 3n]), 40_000n, 1_000n, random), [1]);
    const values = [100n, 200n, 90_000n, 60_000n];
    assert.deepEqual(knapsack(pool(values), 50_000n, 1_000n, random), [3]);
    assert.equal(knapsack(pool([100n, 200n]), 50_000n, 1_000n, random), undefined);
  });

  test('knapsack: small coins summing past the target are combined', () => {
    const values = Array.from({ length: 40 }, (_, i) => BigInt(1_000 + i * 37));
    const picked = knapsack(pool(values), 10_000n, 500n, seeded(3))!;
    assert.ok(sum(picked.map((i) => values[i])) >= 10_000n);
  });

  test('single random draw covers the target plus CHANGE_LOWER', () => {
    const values = Array.from({ length: 30 }, () => 20_000n);
    const picked = singleRandomDraw(pool(values), 70_000n, seeded(11))!;
    assert.ok(sum(picked.map((i) => values[i])) >= 70_000n + CHANGE_LOWER);
    assert.equal(picked.length, 6);
    assert.equal(singleRandomDraw(pool([1_000n]), 70_000n, seeded(1)), undefined);
  });
});

describe('selectCoins', () => {
  const request = (coins: Candidate[], value: bigint, extra = {}) => ({ coins, outputs: [{ value, scriptLength: 22 }], feeRate: 2_000n, subtractFee: false, random: seeded(5), ...extra });

  test('a changeless match (branch and bound) beats making change', () => {
    const inputFee = feeFor(P2WPKH_INPUT_VSIZE, 2_000n);
    const notInputFees = feeFor(11, 2_000n) + 62n; // overhead and one P2WPKH output at 2 sat/vB
    const payment = 1_000_000n;
    const exact = payment + notInputFees + inputFee + 50n;
    const picked = selectCoins(request([coin(5n * COIN), coin(exact), coin(7n * COIN)], payment));
    assert.deepEqual(picked.inputs.map((c) => c.value), [exact]);
    assert.equal(picked.change, 0n);
  });

  test('confirmed coins first, then unconfirmed change from the shortest chains', () => {
    // The preferred coin is the bigger one, so a plain smallest-sufficient rule would not pick it.
    const confirmed = coin(10n * COIN);
    const short = coin(10n * COIN, 0, { ancestors: 2, descendants: 2 });
    const long = coin(COIN, 0, { ancestors: 20, descendants: 20 });
    for (let seed = 1; seed <= 20; seed++) {
      assert.deepEqual(selectCoins(request([coin(COIN, 0, { ancestors: 1, descendants: 1 }), confirmed], 1_000n, { random: seeded(seed) })).inputs, [confirmed]);
      assert.deepEqual(selectCoins(request([long, short], 1_000n, { random: seeded(seed) })).inputs, [short]);
    }
    assert.deepEqual(selectCoins(request([long], 1_000n)).inputs, [long], 'a long chain under the limit is still usable');
  });

  test('never a coin whose chain would pass the package limits; the error says why', () => {
    const atLimit = coin(10n * COIN, 0, { ancestors: 25, descendants: 25 });
    const fullFamily = coin(10n * COIN, 0, { ancestors: 3, descendants: 25 });
    for (const coins of [[atLimit], [fullFamily]]) {
      assert.throws(
        () => selectCoins(request(coins, 1_000n)),
        (err: unknown) => err instanceof WalletError && err.rpcCode === -6 && /creates a chain of transactions that will be rejected by the mempool/.test(err.message),
      );
    }
    // Two families of 13 each make 27 ancestors together: never combined.
    const a = coin(COIN, 0, { ancestors: 13, descendants: 13 });
    const b = coin(COIN, 0, { ancestors: 13, descendants: 13 });
    assert.throws(() => selectCoins(request([a, b], COIN + COIN / 2n)), (err: unknown) => err instanceof WalletError && err.rpcCode === -6);
    assert.equal(selectCoins(request([a, b], COIN / 2n)).inputs.length, 1);
    assert.throws(() => selectCoins(request([coin(COIN, 0, { trusted: false })], 1_000n)), /Insufficient funds/);
  });

  test('preset inputs are always spent; confirmedOnly adds no unconfirmed coin', () => {
    const preset = coin(100_000n, 0, { ancestors: 1, descendants: 1 });
    const extra = coin(COIN);
    const picked = selectCoins(request([extra, coin(5n * COIN, 0, { ancestors: 1, descendants: 1 })], 150_000n, { preset: [preset], confirmedOnly: true }));
    assert.deepEqual(picked.inputs, [preset, extra]);
    const alone = selectCoins(request([extra], 50_000n, { preset: [preset] }));
    assert.deepEqual(alone.inputs, [preset]);
    assert.throws(() => selectCoins(request([coin(5n * COIN, 0, { ancestors: 1, descendants: 1 })], 150_000n, { preset: [preset], confirmedOnly: true })), /Insufficient funds/);
  });

  test('many coins: a send is always found when the coins can pay (500 random wallets)', () => {
    const random = seeded(99);
    for (let round = 0; round < 500; round++) {
      const coins = Array.from({ length: 1 + Math.floor(random() * 30) }, () => coin(BigInt(1_000 + Math.floor(random() * 2_000_000)), random() < 0.5 ? 0 : 3, { ancestors: 1 + Math.floor(random() * 30), descendants: 1 + Math.floor(random() * 30) }));
      const usable = coins.filter((c) => c.depth >= 1 || ((c.ancestors ?? 0) <= 24 && (c.descendants ?? 0) <= 24));
      const payment = BigInt(1_000 + Math.floor(random() * 3_000_000));
      let ok = false;
      try {
        const picked = selectCoins({ ...request(coins, payment), random });
        ok = true;
        assert.ok(picked.inputs.every((c) => usable.includes(c)));
        assert.equal(sum(picked.inputs.map((c) => c.value)), payment + picked.fee + picked.change);
      } catch (err) {
        if (!(err instanceof WalletError)) throw err;
      }
      // Any single usable coin worth the payment and a generous fee could pay alone.
      if (usable.some((c) => c.value >= payment + 10_000n)) assert.ok(ok, `round ${round}: a coin could pay`);
    }
  });
});
