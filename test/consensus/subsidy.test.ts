import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { blockSubsidy, moneyRange } from '../../src/consensus/subsidy.js';
import { bitcoin, networks } from '../../src/params/index.js';

const { regtest } = networks;
const COIN = 100_000_000n;

describe('blockSubsidy', () => {
  test('50 coins, halving every 210,000 blocks on Bitcoin', () => {
    assert.equal(blockSubsidy(0, bitcoin), 50n * COIN);
    assert.equal(blockSubsidy(209_999, bitcoin), 50n * COIN);
    assert.equal(blockSubsidy(210_000, bitcoin), 25n * COIN);
    assert.equal(blockSubsidy(830_000, bitcoin), 6n * COIN + COIN / 4n); // 6.25 after the 3rd halving
    assert.equal(blockSubsidy(840_000, bitcoin), 3n * COIN + COIN / 8n); // 3.125 after the 4th
  });

  test('halving is a right shift: 1 base unit after 32 halvings, 0 after 33 and from 64 on', () => {
    assert.equal(blockSubsidy(32 * 210_000, bitcoin), 1n);
    assert.equal(blockSubsidy(33 * 210_000, bitcoin), 0n);
    assert.equal(blockSubsidy(64 * 210_000, bitcoin), 0n);
    assert.equal(blockSubsidy(1_000 * 210_000, bitcoin), 0n);
  });

  test('a huge initial subsidy still stops after 64 halvings (no shift wrap-around as in C++)', () => {
    const params = { ...bitcoin, initialSubsidy: (1n << 70n) - 1n };
    assert.equal(blockSubsidy(63 * 210_000, params), 127n);
    assert.equal(blockSubsidy(64 * 210_000, params), 0n);
  });

  test('the whole schedule sums to Bitcoin\'s 20,999,999.9769 coins, within maxMoney', () => {
    let total = 0n;
    for (let halvings = 0; halvings < 64; halvings++) total += blockSubsidy(halvings * 210_000, bitcoin) * 210_000n;
    assert.equal(total, 2_099_999_997_690_000n);
    assert.ok(moneyRange(total, bitcoin));
  });

  test('regtest halves every 150 blocks', () => {
    assert.equal(blockSubsidy(149, regtest), 50n * COIN);
    assert.equal(blockSubsidy(150, regtest), 25n * COIN);
  });
});

describe('moneyRange', () => {
  test('[0, maxMoney] inclusive', () => {
    assert.equal(moneyRange(-1n, bitcoin), false);
    assert.equal(moneyRange(0n, bitcoin), true);
    assert.equal(moneyRange(21_000_000n * COIN, bitcoin), true);
    assert.equal(moneyRange(21_000_000n * COIN + 1n, bitcoin), false);
  });
});
