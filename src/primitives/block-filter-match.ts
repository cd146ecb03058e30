/**
 * Querying a BIP158 Golomb-coded set: does a block's filter (possibly) hold any of some
 * elements? Each element is hashed into the filter's range as when it was built, the queries are
 * sorted and walked alongside the decoded set (BIP158's MatchAny). A match may be a false
 * positive (about 1 in M per element); a miss is certain.
 */
import { DecodeError } from './errors.js';
import { BASIC_FILTER_M, BASIC_FILTER_P } from './block-filter.js';
import { ByteReader } from './reader.js';
import { sipHash24BigInt, sipKey } from './siphash.js';

/** Bits read most significant first, as BIP158's bit stream. */
class BitReader {
  private offset = 0;
  private bit = 0;

  constructor(private readonly bytes: Uint8Array) {}

  readBit(): number {
    if (this.offset >= this.bytes.length) throw new DecodeError('truncated', 'block filter bit stream ends early');
    const value = (this.bytes[this.offset] >> (7 - this.bit)) & 1;
    if (++this.bit === 8) {
      this.bit = 0;
      this.offset++;
    }
    return value;
  }

  readBits(count: number): bigint {
    let value = 0n;
    for (let i = 0; i < count; i++) value = (value << 1n) | BigInt(this.readBit());
    return value;
  }
}

/** True when the filter of `blockHash` (internal byte order) may contain one of `elements`; throws DecodeError for a malformed filter. */
export function gcsMatchAny(filter: Uint8Array, blockHash: Uint8Array, elements: readonly Uint8Array[], p = BASIC_FILTER_P, m = BASIC_FILTER_M): boolean {
  const reader = new ByteReader(filter);
  const n = reader.compactSize('block filter element count');
  if (n === 0 || elements.length === 0) return false;
  const key = sipKey(blockHash);
  const range = BigInt(n) * m;
  const queries = elements.map((e) => (sipHash24BigInt(key, e) * range) >> 64n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const bits = new BitReader(filter.subarray(reader.offset));
  let value = 0n;
  let q = 0;
  for (let i = 0; i < n; i++) {
    let quotient = 0n;
    while (bits.readBit() === 1) quotient++;
    value += (quotient << BigInt(p)) | bits.readBits(p);
    while (q < queries.length && queries[q] < value) q++;
    if (q === queries.length) return false;
    if (queries[q] === value) return true;
  }
  return false;
}
