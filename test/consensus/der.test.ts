import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromHex, toHex } from '../../src/primitives/index.js';
import { CURVE_ORDER, HALF_CURVE_ORDER } from '../../src/primitives/keys.js';
import { encodeDerSignature, isHighS, isValidSignatureEncoding, parseDerSignature, toCompactSignature } from '../../src/consensus/der.js';
import { vectors } from '../helpers/vectors.js';

const PUBLISHED = fromHex(vectors.segwit.bip143_native_p2wpkh.input1_signature_der_plus_hashtype);

/** Builds `0x30 len 0x02 lenR R 0x02 lenS S hashtype` from raw parts, so each rule can be broken alone. */
function der(r: number[], s: number[], overrides: { seq?: number; len?: number; tagR?: number; tagS?: number } = {}): Uint8Array {
  return new Uint8Array([
    overrides.seq ?? 0x30,
    overrides.len ?? 4 + r.length + s.length,
    overrides.tagR ?? 0x02,
    r.length,
    ...r,
    overrides.tagS ?? 0x02,
    s.length,
    ...s,
    0x01,
  ]);
}

describe('BIP66 strict DER', () => {
  test('the published BIP143 signature is strict DER', () => {
    assert.equal(isValidSignatureEncoding(PUBLISHED), true);
  });

  test('smallest valid signature: one-byte r and s', () => {
    assert.equal(isValidSignatureEncoding(der([1], [1])), true);
    assert.equal(isValidSignatureEncoding(der([0], [0])), true, 'zero is a valid DER integer; verification refuses it later');
  });

  test('a leading zero is required exactly when the top bit is set', () => {
    assert.equal(isValidSignatureEncoding(der([0x00, 0x80], [1])), true);
    assert.equal(isValidSignatureEncoding(der([0x80], [1])), false, 'negative R');
    assert.equal(isValidSignatureEncoding(der([1], [0x80])), false, 'negative S');
    assert.equal(isValidSignatureEncoding(der([0x00, 0x7f], [1])), false, 'padded R');
    assert.equal(isValidSignatureEncoding(der([1], [0x00, 0x01])), false, 'padded S');
  });

  test('lengths, tags and sizes', () => {
    assert.equal(isValidSignatureEncoding(der([], [1])), false, 'empty R');
    assert.equal(isValidSignatureEncoding(der([1], [])), false, 'empty S');
    assert.equal(isValidSignatureEncoding(der([1], [1], { seq: 0x31 })), false, 'sequence tag');
    assert.equal(isValidSignatureEncoding(der([1], [1], { len: 7 })), false, 'total length');
    assert.equal(isValidSignatureEncoding(der([1], [1], { tagR: 0x03 })), false, 'R tag');
    assert.equal(isValidSignatureEncoding(der([1], [1], { tagS: 0x03 })), false, 'S tag');
    assert.equal(isValidSignatureEncoding(PUBLISHED.subarray(0, 8)), false, 'shorter than 9 bytes');
    assert.equal(isValidSignatureEncoding(new Uint8Array([...PUBLISHED.subarray(0, -1), 0, 1])), false, 'extra byte');
    const r = [0x00, ...new Array(33).fill(0x80)];
    assert.equal(isValidSignatureEncoding(der(r, r)), false, 'longer than 73 bytes');
  });

  test('R length pointing past the end', () => {
    const sig = der([1], [1]);
    sig[3] = 10;
    assert.equal(isValidSignatureEncoding(sig), false);
  });

  test('parse reads r, s and the hash type', () => {
    const { r, s, hashType } = parseDerSignature(PUBLISHED);
    assert.equal(r, 0x3609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44an);
    assert.equal(s, 0x573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebeen);
    assert.equal(hashType, 1);
    assert.throws(() => parseDerSignature(der([0x80], [1])), RangeError);
  });

  test('encode is the inverse of parse', () => {
    const { r, s, hashType } = parseDerSignature(PUBLISHED);
    assert.equal(toHex(encodeDerSignature(toCompactSignature(r, s), hashType)), toHex(PUBLISHED));
  });

  const arbScalar = fc.bigInt({ min: 1n, max: CURVE_ORDER - 1n });

  test('property: any r, s in range encode to strict DER that parses back', () => {
    fc.assert(
      fc.property(arbScalar, arbScalar, fc.constantFrom(1, 2, 3, 0x81, 0x82, 0x83), (r, s, type) => {
        const sig = encodeDerSignature(toCompactSignature(r, s), type);
        assert.equal(isValidSignatureEncoding(sig), true);
        assert.deepEqual(parseDerSignature(sig), { r, s, hashType: type });
      }),
    );
  });

  test('property: random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        if (isValidSignatureEncoding(bytes)) parseDerSignature(bytes);
      }),
    );
  });

  // Random bytes are almost never valid DER (none in 100,000 samples), so the re-encoding check
  // gets DER-shaped input instead: random R and S bodies (sign bit, zero padding and length all
  // random) in a correct frame, sometimes with one byte overwritten. Counting both outcomes
  // proves each branch ran.
  test('property: DER-shaped input that is valid re-encodes identically; the rest is refused', () => {
    const seen = { valid: 0, invalid: 0 };
    const body = fc.uint8Array({ minLength: 1, maxLength: 33 }).map((bytes) => [...bytes]);
    const mutation = fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { freq: 4 });
    fc.assert(
      fc.property(body, body, mutation, (r, s, change) => {
        const bytes = der(r, s);
        if (change) bytes[change[0] % bytes.length] = change[1];
        if (!isValidSignatureEncoding(bytes)) {
          seen.invalid++;
          return;
        }
        const parsed = parseDerSignature(bytes);
        if (parsed.r === 0n || parsed.s === 0n || parsed.r >= CURVE_ORDER || parsed.s >= CURVE_ORDER) return;
        seen.valid++;
        assert.equal(toHex(encodeDerSignature(toCompactSignature(parsed.r, parsed.s), parsed.hashType)), toHex(bytes));
      }),
      { numRuns: 2000 },
    );
    assert.ok(seen.valid >= 100, `only ${seen.valid} of 2000 samples were valid DER`);
    assert.ok(seen.invalid >= 100, `only ${seen.invalid} of 2000 samples were invalid DER`);
  });
});

describe('low S', () => {
  test('the boundary is n/2', () => {
    assert.equal(isHighS(1n), false);
    assert.equal(isHighS(HALF_CURVE_ORDER), false);
    assert.equal(isHighS(HALF_CURVE_ORDER + 1n), true);
    assert.equal(isHighS(CURVE_ORDER - 1n), true);
  });

  test('S at or above n is not "high": Core zeroes it and verification fails instead', () => {
    assert.equal(isHighS(CURVE_ORDER), false);
    assert.equal(isHighS(CURVE_ORDER + 5n), false);
    assert.equal(toHex(toCompactSignature(1n, CURVE_ORDER)), '00'.repeat(64));
    assert.equal(toHex(toCompactSignature(CURVE_ORDER, 1n)), '00'.repeat(64));
    assert.equal(toHex(toCompactSignature(1n, 2n)), '00'.repeat(31) + '01' + '00'.repeat(31) + '02');
  });
});
