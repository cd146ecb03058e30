import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { sha256dPair } from '../../src/primitives/sha256-pair.js';

/** The reference: OpenSSL's SHA-256 twice over the 64 concatenated bytes. */
function reference(left: Uint8Array, right: Uint8Array): string {
  const once = createHash('sha256').update(left).update(right).digest();
  return createHash('sha256').update(once).digest('hex');
}

describe('sha256dPair (merkle tree nodes)', () => {
  test('equals SHA-256 twice over the 64 bytes, for random pairs and the all-0x00 / all-0xff edges', () => {
    const pairs: Array<[Uint8Array, Uint8Array]> = [
      [new Uint8Array(32), new Uint8Array(32)],
      [new Uint8Array(32).fill(0xff), new Uint8Array(32).fill(0xff)],
      [new Uint8Array(32), new Uint8Array(32).fill(0x80)],
    ];
    for (let i = 0; i < 500; i++) pairs.push([new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))]);
    for (const [left, right] of pairs) assert.equal(Buffer.from(sha256dPair(left, right)).toString('hex'), reference(left, right));
  });

  test('reads views at any offset, and returns a fresh array each call', () => {
    const backing = new Uint8Array(randomBytes(80));
    const left = backing.subarray(3, 35);
    const right = backing.subarray(41, 73);
    const first = sha256dPair(left, right);
    assert.equal(Buffer.from(first).toString('hex'), reference(left, right));
    const second = sha256dPair(right, left);
    assert.notEqual(first, second);
    assert.equal(Buffer.from(first).toString('hex'), reference(left, right), 'an earlier result is not overwritten');
  });

  test('refuses inputs that are not 32 bytes', () => {
    assert.throws(() => sha256dPair(new Uint8Array(31), new Uint8Array(32)), RangeError);
    assert.throws(() => sha256dPair(new Uint8Array(32), new Uint8Array(33)), RangeError);
  });
});
