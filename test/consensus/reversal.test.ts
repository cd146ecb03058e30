/** The whitepaper's §11 tables, to their printed precision (7 decimals). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReversalInputError, blocksNeeded, catchUpProbability, confirmationsNeeded, reversalProbability } from '../../src/consensus/reversal.js';

// Bitcoin: A Peer-to-Peer Electronic Cash System, §11 "Calculations", as printed.
const Q_01 = ['1.0000000', '0.2045873', '0.0509779', '0.0131722', '0.0034552', '0.0009137', '0.0002428', '0.0000647', '0.0000173', '0.0000046', '0.0000012'];
const Q_03 = ['1.0000000', '0.1773523', '0.0416605', '0.0101008', '0.0024804', '0.0006132', '0.0001522', '0.0000379', '0.0000095', '0.0000024', '0.0000006'];
const UNDER_0_1_PERCENT: Array<[number, number]> = [
  [0.1, 5],
  [0.15, 8],
  [0.2, 11],
  [0.25, 15],
  [0.3, 24],
  [0.35, 41],
  [0.4, 89],
  [0.45, 340],
];

/** The whitepaper's C, transcribed: the sum subtracted from 1 (exact enough for small z). */
function whitepaperC(q: number, z: number): number {
  const p = 1 - q;
  const lambda = z * (q / p);
  let sum = 1;
  for (let k = 0; k <= z; k++) {
    let poisson = Math.exp(-lambda);
    for (let i = 1; i <= k; i++) poisson *= lambda / i;
    sum -= poisson * (1 - Math.pow(q / p, z - k));
  }
  return sum;
}

describe('catch-up probability (whitepaper §11)', () => {
  it('equals the table for q = 0.1, z = 0..10', () => {
    assert.deepEqual(
      Q_01.map((_, z) => catchUpProbability(0.1, z).toFixed(7)),
      Q_01,
    );
  });

  it('equals the table for q = 0.3, z = 0..50 step 5', () => {
    assert.deepEqual(
      Q_03.map((_, i) => catchUpProbability(0.3, i * 5).toFixed(7)),
      Q_03,
    );
  });

  it('equals the table "solving for P less than 0.1%"', () => {
    assert.deepEqual(
      UNDER_0_1_PERCENT.map(([q]) => [q, blocksNeeded(q, 0.001)]),
      UNDER_0_1_PERCENT,
    );
  });

  it('agrees with the whitepaper C to 1e-12 where its subtraction is still exact', () => {
    for (const q of [0.05, 0.1, 0.2, 0.3, 0.4, 0.45]) {
      for (let z = 0; z <= 30; z++) assert.ok(Math.abs(catchUpProbability(q, z) - whitepaperC(q, z)) < 1e-12, `q=${q} z=${z}`);
    }
  });

  it('keeps shrinking where the C version loses it to rounding, and never rises with z', () => {
    let previous = 1;
    for (let z = 1; z <= 400; z++) {
      const p = catchUpProbability(0.1, z);
      assert.ok(p > 0 && p < previous, `z=${z}: ${p} after ${previous}`);
      previous = p;
    }
    assert.ok(catchUpProbability(0.1, 400) < 1e-100);
  });

  it('is 1 at half the hash rate or more, and 0 with no attacker once a block is ahead', () => {
    assert.equal(catchUpProbability(0.5, 100), 1);
    assert.equal(catchUpProbability(0.7, 3), 1);
    assert.equal(catchUpProbability(0, 1), 0);
    assert.equal(catchUpProbability(0, 0), 1);
  });

  it('counts a payment with c confirmations as z = c - 1 blocks after its own; unconfirmed is 1', () => {
    assert.equal(reversalProbability(0.1, 0), 1);
    assert.equal(reversalProbability(0.1, -2), 1);
    assert.equal(reversalProbability(0.1, 6), catchUpProbability(0.1, 5));
    assert.equal(confirmationsNeeded(0.1, 0.001), 6);
    assert.equal(confirmationsNeeded(0.3, 0.001), 25);
  });

  it('refuses bad input with a typed error', () => {
    for (const run of [
      () => catchUpProbability(-0.1, 1),
      () => catchUpProbability(1.5, 1),
      () => catchUpProbability(Number.NaN, 1),
      () => catchUpProbability(0.1, 1.5),
      () => catchUpProbability(0.1, -1),
      () => blocksNeeded(0.1, 0),
      () => blocksNeeded(0.1, 2),
      () => blocksNeeded(0.5, 0.01),
    ]) {
      assert.throws(run, (err: unknown) => err instanceof ReversalInputError && err.code === 'bad-reversal-input');
    }
  });
});
