import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifySignatureCheck } from '../../src/consensus/p2wpkh.js';
import { PACKED_CHECK_BYTES, packChecks, packedCount, unpackCheck } from '../../src/verify/sig-packing.js';
import { makeSignatureChecks } from '../helpers/sig-checks.js';

describe('packed signature checks', () => {
  const checks = makeSignatureChecks(5);

  test('a range packs into 129-byte records that unpack to the same bytes', () => {
    assert.equal(PACKED_CHECK_BYTES, 129);
    const buffer = packChecks(checks, 1, 4);
    assert.equal(buffer.byteLength, 3 * 129);
    assert.equal(packedCount(buffer), 3);
    for (let i = 0; i < 3; i++) {
      const unpacked = unpackCheck(buffer, i);
      assert.deepEqual([unpacked.preimageHash, unpacked.signature, unpacked.publicKey], [checks[i + 1].preimageHash, checks[i + 1].signature, checks[i + 1].publicKey]);
      assert.equal(verifySignatureCheck(unpacked), true);
    }
  });

  test('a check with a wrong-length part packs as zeros, which fail as the original does', () => {
    const short = { ...checks[0], publicKey: checks[0].publicKey.subarray(0, 32) };
    assert.equal(verifySignatureCheck(short), false);
    const unpacked = unpackCheck(packChecks([short]), 0);
    assert.deepEqual(unpacked.publicKey, new Uint8Array(33));
    assert.equal(verifySignatureCheck(unpacked), false);
  });

  test('a buffer that is not whole records has no count', () => {
    assert.equal(packedCount(new ArrayBuffer(130)), -1);
    assert.equal(packedCount(new ArrayBuffer(0)), 0);
  });
});
