import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../src/primitives/index.js';
import {
  CURVE_ORDER,
  generatePrivateKey,
  isCompressedOrUncompressedPublicKey,
  isCompressedPublicKey,
  isValidPrivateKey,
  publicKeyFromPrivate,
  publicKeyHash,
  signDigest,
  verifyDigest,
} from '../../src/primitives/keys.js';
import { vectors } from '../helpers/vectors.js';

const input1 = vectors.segwit.bip143_native_p2wpkh.inputs[1];

describe('keys', () => {
  test('the BIP143 private key gives the published compressed pubkey and key hash', () => {
    const pub = publicKeyFromPrivate(fromHex(input1.private_key));
    assert.equal(toHex(pub), input1.public_key);
    assert.equal('0014' + toHex(publicKeyHash(pub)), input1.scriptPubKey);
  });

  test('private key range is [1, n-1]', () => {
    const hex = (n: bigint) => fromHex(n.toString(16).padStart(64, '0'));
    assert.equal(isValidPrivateKey(hex(0n)), false);
    assert.equal(isValidPrivateKey(hex(1n)), true);
    assert.equal(isValidPrivateKey(hex(CURVE_ORDER - 1n)), true);
    assert.equal(isValidPrivateKey(hex(CURVE_ORDER)), false);
    assert.equal(isValidPrivateKey(new Uint8Array(31).fill(1)), false);
    assert.equal(isValidPrivateKey(generatePrivateKey()), true);
  });

  test('pubkey encodings', () => {
    const pub = publicKeyFromPrivate(fromHex(input1.private_key));
    assert.equal(isCompressedPublicKey(pub), true);
    const uncompressed = new Uint8Array(65);
    uncompressed[0] = 0x04;
    assert.equal(isCompressedPublicKey(uncompressed), false);
    assert.equal(isCompressedOrUncompressedPublicKey(uncompressed), true);
    const hybrid = uncompressed.slice();
    hybrid[0] = 0x06;
    assert.equal(isCompressedOrUncompressedPublicKey(hybrid), false);
  });

  test('signatures are over the digest itself (no pre-hash) and low-S', () => {
    const key = fromHex(input1.private_key);
    const digest = fromHex(vectors.segwit.bip143_native_p2wpkh.input1_sighash.sigHash);
    const sig = signDigest(digest, key);
    assert.equal(sig.length, 64);
    assert.ok(BigInt('0x' + toHex(sig.subarray(32))) <= CURVE_ORDER >> 1n);
    assert.equal(verifyDigest(sig, digest, publicKeyFromPrivate(key)), true);
    assert.equal(verifyDigest(sig, digest, new Uint8Array(33).fill(2)), false, 'not a curve point');
    assert.equal(verifyDigest(sig.subarray(1), digest, publicKeyFromPrivate(key)), false, 'wrong length');
    assert.throws(() => signDigest(new Uint8Array(31), key), RangeError);
  });
});
