import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactToTarget, decodeCompact, targetToCompact } from '../../src/consensus/compact.js';
import { vectors } from '../helpers/vectors.js';

const compact = vectors.compact;

function hex64(value: bigint): string {
  return value.toString(16).padStart(64, '0');
}

describe('compact bits (Core arith_uint256 SetCompact/GetCompact)', () => {
  for (const c of compact.setcompact_cases) {
    test(`SetCompact ${c.nCompact}`, () => {
      const decoded = decodeCompact(Number(c.nCompact));
      assert.equal(decoded.negative, c.fNegative, 'fNegative');
      assert.equal(decoded.overflow, c.fOverflow, 'fOverflow');
      // Core's test asserts only the flags for an overflowing value.
      if (c.value_hex !== undefined) assert.equal(hex64(decoded.target), c.value_hex);
      if (c.GetCompact !== undefined) {
        const negative = c.GetCompact_called_as === 'GetCompact(true)';
        assert.equal(targetToCompact(decoded.target, negative), Number(c.GetCompact));
      }
    });
  }

  for (const c of compact.getcompact_cases) {
    test(`GetCompact of 0x${c.value_hex} never sets the sign bit`, () => {
      assert.equal(targetToCompact(BigInt(`0x${c.value_hex}`)), Number(c.GetCompact));
    });
  }

  for (const c of compact.extra_target_cases.cases) {
    test(`bitcoinjs target of ${c.bits}`, () => {
      const bits = Number(c.bits);
      assert.equal(hex64(compactToTarget(bits)), c.target);
      // Only a positive, canonical encoding survives a round trip; 0x1b80ffff and 0x0cffca00 carry the sign bit.
      if (!decodeCompact(bits).negative) assert.equal(targetToCompact(compactToTarget(bits)), bits);
    });
  }

  test('the case counts match the published lists', () => {
    assert.equal(compact.setcompact_cases.length, 20);
    assert.equal(compact.extra_target_cases.cases.length, 6);
  });
});
