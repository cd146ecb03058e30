/**
 * BIP158's basic block filter: a Golomb-coded set (P = 19, M = 784931) of every output script a
 * block creates (empty and OP_RETURN ones left out) and every output script its inputs spend,
 * each hashed with SipHash-2-4 keyed by the block hash's first 16 bytes. Also the filter header
 * chain: sha256d(filter hash || previous header). Hashes are in internal byte order.
 */
import { concatBytes, toHex } from './bytes.js';
import { sha256d } from './hash.js';
import { sipHash24BigInt, sipKey } from './siphash.js';
import { ByteWriter } from './writer.js';

export const BASIC_FILTER_P = 19;
export const BASIC_FILTER_M = 784931n;


/** Bits written most significant first, as BIP158's bit stream. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  bit(value: number): void {
    this.current = (this.current << 1) | value;
    if (++this.used === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.used = 0;
    }
  }

  bits(value: bigint, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bit(Number((value >> BigInt(i)) & 1n));
  }

  finish(): Uint8Array {
    if (this.used > 0) this.bytes.push(this.current << (8 - this.used));
    return Uint8Array.from(this.bytes);
  }
}

/** The Golomb-coded set of `elements` (deduplicated here), keyed by `blockHash`: CompactSize N, then the Golomb-Rice stream. */
export function buildGcsFilter(blockHash: Uint8Array, elements: Iterable<Uint8Array>, p = BASIC_FILTER_P, m = BASIC_FILTER_M): Uint8Array {
  const unique = new Map<string, Uint8Array>();
  for (const element of elements) unique.set(toHex(element), element);
  const n = BigInt(unique.size);
  const key = sipKey(blockHash);
  const range = n * m;
  const values = [...unique.values()].map((e) => (sipHash24BigInt(key, e) * range) >> 64n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const stream = new BitWriter();
  let previous = 0n;
  for (const value of values) {
    const delta = value - previous;
    previous = value;
    for (let q = delta >> BigInt(p); q > 0n; q--) stream.bit(1);
    stream.bit(0);
    stream.bits(delta, p);
  }
  return new ByteWriter().compactSize(unique.size).bytes(stream.finish()).finish();
}

/** A block's basic filter elements: created scripts (not empty, not OP_RETURN) and spent scripts (not empty). */
export function basicFilterElements(outputScripts: Iterable<Uint8Array>, spentScripts: Iterable<Uint8Array>): Uint8Array[] {
  const elements: Uint8Array[] = [];
  for (const script of outputScripts) if (script.length > 0 && script[0] !== 0x6a) elements.push(script);
  for (const script of spentScripts) if (script.length > 0) elements.push(script);
  return elements;
}

/** BIP157's filter header: sha256d(sha256d(filter) || previous header). */
export function filterHeader(filter: Uint8Array, previousHeader: Uint8Array): Uint8Array {
  return sha256d(concatBytes(sha256d(filter), previousHeader));
}
