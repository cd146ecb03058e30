/** The wallet's fast BIP32 child derivation gives exactly what @scure/bip32's HDKey gives. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HDKey } from '@scure/bip32';
import { privateChild, publicChild } from '../../src/wallet/derive.js';

describe('BIP32 child derivation', () => {
  test('private and public children match HDKey (BIP32 test vector 1 seed, 200 indexes, two levels)', () => {
    const master = HDKey.fromMasterSeed(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
    for (const parent of [master.derive("m/84'/1'/0'/0"), master.derive("m/84'/1'/0'/1"), master.derive("m/0'/1")]) {
      const neutered = HDKey.fromExtendedKey(parent.publicExtendedKey);
      for (let index = 0; index < 200; index++) {
        const expected = parent.deriveChild(index);
        assert.deepEqual(privateChild(parent, index), expected.privateKey, `private ${index}`);
        assert.deepEqual(publicChild(neutered, index), expected.publicKey, `public ${index}`);
      }
    }
  });

  test('BIP32 vector 1: m/0H/1 from m/0H', () => {
    const master = HDKey.fromMasterSeed(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));
    const parent = master.derive("m/0'");
    assert.equal(Buffer.from(publicChild(parent, 1)).toString('hex'), '03501e454bf00751f24b1b489aa925215d66af2234e3891c3b21a52bedb3cd711c');
    assert.deepEqual(privateChild(parent, 1), master.derive("m/0'/1").privateKey);
  });

  test('a hardened or bad index is refused', () => {
    const node = HDKey.fromMasterSeed(new Uint8Array(32).fill(7));
    assert.throws(() => privateChild(node, 0x80000000), RangeError);
    assert.throws(() => publicChild(node, -1), RangeError);
  });
});
