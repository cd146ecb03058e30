/**
 * BIP158's basic block filter: a Golomb-coded set (P = 19, M = 784931) of every output script a
 * block creates (empty and OP_RETURN ones left out) and every output script its inputs spend,
 * each hashed with SipHash-2-4 keyed by the block hash's first 16 bytes. Also the filter header
 * chain: sha256d(filter hash || previous header). Hashes are in internal byte order.
 */
import { concatBytes, toHex } from './bytes.js';
import { sha256d } from './hash.js';
import { ByteWriter } from './writer.js';

export const BASIC_FILTER_P = 19;
export const BASIC_FILTER_M = 784931n;

const MASK64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & MASK64;

function readU64LE(bytes: Uint8Array, offset: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

/** SipHash-2-4 of `data` with the 128-bit key (k0, k1). */
export function sipHash24(k0: bigint, k1: bigint, data: Uint8Array): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = (v0 + v1) & MASK64;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK64;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK64;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK64;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const whole = data.length - (data.length % 8);
  for (let i = 0; i < whole; i += 8) {
    const m = readU64LE(data, i);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  let last = BigInt(data.length & 0xff) << 56n;
  for (let i = whole; i < data.length; i++) last |= BigInt(data[i]) << BigInt(8 * (i - whole));
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xffn;
  round();
  round();
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK64;
}

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
  const k0 = readU64LE(blockHash, 0);
  const k1 = readU64LE(blockHash, 8);
  const range = n * m;
  const values = [...unique.values()].map((e) => (sipHash24(k0, k1, e) * range) >> 64n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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
