import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256 } from '../../src/primitives/hash.js';
import { publicKeyFromPrivate, signDigest, verifyDigest } from '../../src/primitives/keys.js';
import { verifyOverSha256 } from '../../src/primitives/ecdsa-verify.js';

const arbKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => k.some((b) => b !== 0) && k[0] < 0xff);
const arbHash = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** OpenSSL verifies the node's signatures; noble signs them. Both must say the same of any input. */
describe('native (OpenSSL) verification agrees with @noble/secp256k1', () => {
  test('valid signatures verify with both', () => {
    fc.assert(
      fc.property(arbKey, arbHash, (key, firstHash) => {
        const digest = sha256(firstHash);
        const signature = signDigest(digest, key);
        const publicKey = publicKeyFromPrivate(key);
        assert.equal(verifyDigest(signature, digest, publicKey), true);
        assert.equal(verifyOverSha256(signature, firstHash, publicKey), true);
      }),
      { numRuns: 150 },
    );
  });

  test('a changed message, signature byte or key fails with both', () => {
    fc.assert(
      fc.property(arbKey, arbHash, fc.nat({ max: 63 }), fc.integer({ min: 1, max: 255 }), (key, firstHash, index, flip) => {
        const digest = sha256(firstHash);
        const signature = signDigest(digest, key);
        const publicKey = publicKeyFromPrivate(key);
        const badSignature = signature.slice();
        badSignature[index] ^= flip;
        assert.equal(verifyOverSha256(badSignature, firstHash, publicKey), verifyDigest(badSignature, digest, publicKey));
        assert.equal(verifyOverSha256(badSignature, firstHash, publicKey), false);
        const otherHash = firstHash.slice();
        otherHash[index % 32] ^= flip;
        assert.equal(verifyOverSha256(signature, otherHash, publicKey), false);
        const otherKey = publicKeyFromPrivate(sha256(key));
        assert.equal(verifyOverSha256(signature, firstHash, otherKey), false);
      }),
      { numRuns: 150 },
    );
  });

  test('garbage never throws: wrong lengths, off-curve keys, zero or out-of-range r and s', () => {
    const key = new Uint8Array(32).fill(7);
    const firstHash = new Uint8Array(32).fill(1);
    const publicKey = publicKeyFromPrivate(key);
    const signature = signDigest(sha256(firstHash), key);
    assert.equal(verifyOverSha256(signature.subarray(1), firstHash, publicKey), false);
    assert.equal(verifyOverSha256(signature, firstHash.subarray(1), publicKey), false);
    assert.equal(verifyOverSha256(new Uint8Array(64), firstHash, publicKey), false);
    assert.equal(verifyOverSha256(new Uint8Array(64).fill(0xff), firstHash, publicKey), false);
    const offCurve = publicKey.slice();
    offCurve[0] = 0x02;
    offCurve.fill(0xff, 1);
    assert.equal(verifyOverSha256(signature, firstHash, offCurve), false);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ minLength: 33, maxLength: 33 }), (sig, pub) => {
        assert.equal(verifyOverSha256(sig, firstHash, pub), false);
      }),
      { numRuns: 300 },
    );
  });
});
