/**
 * BIP158 basic block filters, checked against a second implementation written here from the
 * BIP's text: BigInt SipHash-2-4 (test/helpers, checked against the SipHash paper's vectors), the
 * hash-to-range mapping, and a Golomb-Rice decoder. The filter must decode to exactly the
 * sorted mapped values of the deduplicated elements, so a wrong key, range, parameter or bit
 * order fails. (BIP158's published testnet vectors all matched during development; they are not
 * committed here, as nothing fetched goes into this repository.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { basicFilterElements, buildGcsFilter, filterHeader } from '../../src/primitives/block-filter.js';
import { concatBytes, sha256d, toHex } from '../../src/primitives/index.js';
import { sipHash24BigInt, sipKey } from '../../src/primitives/siphash.js';
import { referenceSipHash } from '../helpers/siphash-reference.js';

/** BIP158's basic filter parameters: P = 19, M = 784931. N (CompactSize, one byte for the sizes used here), then the Golomb-Rice deltas, MSB first. */
function decodeGcs(filter: Uint8Array, p: number): { n: number; values: bigint[] } {
  assert.ok(filter[0] < 0xfd, 'test filters hold fewer than 253 elements');
  const n = filter[0];
  let bit = 8;
  const read = (): number => {
    const value = (filter[bit >> 3] >> (7 - (bit & 7))) & 1;
    bit++;
    return value;
  };
  const values: bigint[] = [];
  let last = 0n;
  for (let i = 0; i < n; i++) {
    let q = 0n;
    while (read() === 1) q++;
    let r = 0n;
    for (let j = 0; j < p; j++) r = (r << 1n) | BigInt(read());
    last += (q << BigInt(p)) + r;
    values.push(last);
  }
  assert.ok(Math.ceil(bit / 8) === filter.length, 'no bytes beyond the last element but padding');
  return { n, values };
}

function expectedValues(blockHash: Uint8Array, elements: Uint8Array[]): bigint[] {
  const unique = [...new Map(elements.map((e) => [toHex(e), e])).values()];
  const range = BigInt(unique.length) * 784931n;
  return unique.map((e) => (referenceSipHash(blockHash.subarray(0, 16), e) * range) >> 64n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const p2wpkh = (): Uint8Array => concatBytes(Uint8Array.of(0x00, 0x14), randomBytes(20));

describe('BIP158 basic block filters', () => {
  test('SipHash-2-4: the fast lanes agree with the BigInt reference, which gives the paper\'s vectors', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    const message = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    assert.equal(referenceSipHash(key, message(0)), 0x726fdb47dd0e0e31n);
    assert.equal(referenceSipHash(key, message(1)), 0x74f839c593dc67fdn);
    assert.equal(referenceSipHash(key, message(15)), 0xa129ca6149be45e5n);
    for (let i = 0; i < 200; i++) {
      const k = randomBytes(16);
      const data = randomBytes(i % 70);
      assert.equal(sipHash24BigInt(sipKey(k), data), referenceSipHash(k, data), `length ${data.length}`);
    }
  });

  test('a filter decodes to exactly the mapped, sorted, deduplicated elements', () => {
    for (const count of [0, 1, 2, 10, 100]) {
      const blockHash = randomBytes(32);
      const elements = Array.from({ length: count }, p2wpkh);
      if (count > 1) elements.push(elements[0]);
      const filter = buildGcsFilter(blockHash, elements);
      const decoded = decodeGcs(filter, 19);
      const want = expectedValues(blockHash, elements);
      assert.equal(decoded.n, want.length, `N for ${count} elements`);
      assert.deepEqual(decoded.values, want, `values for ${count} elements`);
    }
  });

  test('the elements: created scripts but not empty or OP_RETURN ones, and every non-empty spent script', () => {
    const kept = p2wpkh();
    const spent = p2wpkh();
    const elements = basicFilterElements([kept, new Uint8Array(0), Uint8Array.of(0x6a, 0x01, 0x00)], [spent, new Uint8Array(0)]);
    assert.deepEqual(elements.map(toHex), [toHex(kept), toHex(spent)]);
  });

  test('the filter header chains sha256d(filter hash || previous header)', () => {
    const filter = buildGcsFilter(randomBytes(32), [p2wpkh()]);
    const previous = randomBytes(32);
    assert.equal(toHex(filterHeader(filter, previous)), toHex(sha256d(concatBytes(sha256d(filter), previous))));
  });
});
