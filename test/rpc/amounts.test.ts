import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { amountJson, formatCoins, parseAmount } from '../../src/rpc/amounts.js';
import { stringifyJson } from '../../src/rpc/json.js';

describe('amounts', () => {
  test('bigint base units print as coins with 8 decimals, exactly', () => {
    assert.equal(formatCoins(0n), '0.00000000');
    assert.equal(formatCoins(1n), '0.00000001');
    assert.equal(formatCoins(2_099_999_999_999_999n), '20999999.99999999');
    assert.equal(formatCoins(-150_000_000n), '-1.50000000');
    assert.equal(stringifyJson({ a: amountJson(5_000_000_000n), s: 'amount-x:1.00000000' }), '{"a":50.00000000,"s":"amount-x:1.00000000"}');
  });

  test('numbers and decimal strings parse without float error; more than 8 decimals or out of range is -3', () => {
    assert.equal(parseAmount(0.1), 10_000_000n);
    assert.equal(parseAmount(0.3), 30_000_000n);
    assert.equal(parseAmount(20999999.99999999), 2_099_999_999_999_999n);
    assert.equal(parseAmount('0.00000001'), 1n);
    assert.equal(parseAmount('12.5'), 1_250_000_000n);
    for (const bad of [0.123456789, '0.000000001', '1e3', -1, 21_000_001, 'abc', true]) {
      assert.throws(() => parseAmount(bad), (err: { code: number }) => err.code === -3, String(bad));
    }
  });
});
