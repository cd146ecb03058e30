/**
 * SHA-256 for nonce search, in plain JS: the header's first 64 bytes are compressed once per
 * job (the midstate), so each nonce costs the 16-byte tail block plus the second SHA-256 over the
 * 32-byte digest, and of that second hash only the 61 rounds that decide its top word (the rest
 * run only for a candidate). The hot loop itself is generated (sha256-unrolled.ts): every round
 * spelled out over local variables, allocating nothing. This file holds the per-job constants,
 * which also feed the WebAssembly loop (wasm/wasm-scanner.ts), and the plain helpers for
 * the midstate and for confirming a candidate.
 */
import { expandSchedule, IV, K, runRounds } from '../primitives/sha256-core.js';
import { scanUnrolled } from './sha256-unrolled.js';

export { IV, K };

/** Padding words of the header's second block: 0x80 after the 16 tail bytes, then the bit length 640. */
export const TAIL_PAD = 0x80000000 | 0;
export const HEADER_BITS = 640;
/** Padding words of the second hash's single block: 0x80 after 32 bytes, bit length 256. */
export const DIGEST_BITS = 256;

function readBigEndian(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
}

/** Reverses the bytes of a 32-bit word: the nonce is serialized little-endian, SHA-256 reads big-endian. */
export function byteSwap32(x: number): number {
  return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0;
}

/** SHA-256 state after compressing the header's first 64 bytes (version, prevHash, 28 bytes of merkleRoot). */
export function midstate(header80: Uint8Array): Int32Array {
  if (header80.length < 64) throw new RangeError(`a header has 80 bytes, got ${header80.length}`);
  const w = new Int32Array(64);
  for (let i = 0; i < 16; i++) w[i] = readBigEndian(header80, i * 4);
  expandSchedule(w);
  const state = IV.slice();
  runRounds(state, w, 0, 64);
  for (let i = 0; i < 8; i++) state[i] = (state[i] + IV[i]) | 0;
  return state;
}

/** Everything a nonce loop needs about one job, computed once. */
export interface SearchConstants {
  /** State after the first 64 header bytes. */
  readonly midstate: Int32Array;
  /**
   * Message schedule of the second block with the nonce word w[3] left 0: w[0..2] are the
   * merkle root's last 4 bytes, time and bits; w[4..15] padding; w[16], w[17] do not depend
   * on the nonce (w[16] = σ0(w1) + w0, w[17] = σ1(w15) + σ0(w2) + w1), so they are filled too.
   */
  readonly tailSchedule: Int32Array;
  /** State after the second block's rounds 0..2, which precede the nonce word. */
  readonly afterRound3: Int32Array;
  /** The target's most significant 32 bits (capped): a hash whose top word is above it fails. */
  readonly targetTop: number;
  readonly target: bigint;
}

/** Largest value of a 256-bit hash. */
const HASH_MAX = (1n << 256n) - 1n;

export function searchConstants(header80: Uint8Array, target: bigint): SearchConstants {
  if (header80.length !== 80) throw new RangeError(`a header has 80 bytes, got ${header80.length}`);
  if (target < 0n) throw new RangeError('target must not be negative');
  const mid = midstate(header80);
  const tailSchedule = new Int32Array(64);
  for (let i = 0; i < 3; i++) tailSchedule[i] = readBigEndian(header80, 64 + i * 4);
  tailSchedule[4] = TAIL_PAD;
  tailSchedule[15] = HEADER_BITS;
  expandSchedule(tailSchedule, 16, 18);
  const afterRound3 = mid.slice();
  runRounds(afterRound3, tailSchedule, 0, 3);
  const top = target >= HASH_MAX ? 0xffffffff : Number(target >> 224n);
  return { midstate: mid, tailSchedule, afterRound3, targetTop: top, target };
}

/** Reads a 32-byte internal-order hash as the little-endian number Core compares with the target. */
export function hashValue(hash: Uint8Array): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(hash[i]);
  return value;
}

/**
 * The full double SHA-256 of the header with this nonce, internal byte order. Used to confirm a
 * candidate that passed the early test, so it may allocate.
 */
export function headerHash(constants: SearchConstants, nonce: number): Uint8Array {
  const w = constants.tailSchedule.slice();
  w[3] = byteSwap32(nonce);
  expandSchedule(w, 18, 64);
  const state = constants.afterRound3.slice();
  runRounds(state, w, 3, 64);
  const second = new Int32Array(64);
  for (let i = 0; i < 8; i++) second[i] = (state[i] + constants.midstate[i]) | 0;
  second[8] = TAIL_PAD;
  second[15] = DIGEST_BITS;
  expandSchedule(second);
  const final = IV.slice();
  runRounds(final, second, 0, 64);
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) view.setInt32(i * 4, (final[i] + IV[i]) | 0, false);
  return out;
}

/** Finds candidates: nonces whose hash's most significant word does not exceed the target's. */
export interface NonceScanner {
  /**
   * Offset from `start` of the first nonce in [start, start + count) whose final hash's top
   * word (bytes 28..31, little-endian) is ≤ the target's top word, or -1. Nonces wrap modulo
   * 2^32; `count` is at most 2^30.
   */
  scan(start: number, count: number): number;
}

export const MAX_SCAN = 2 ** 30;

/** The plain JS nonce loop: the unrolled, register-only code generated into sha256-unrolled.ts. */
export class JsScanner implements NonceScanner {
  private readonly afterRound3: Int32Array;
  private readonly midstate: Int32Array;
  private readonly tail: Int32Array;
  private readonly targetTop: number;

  constructor(constants: SearchConstants) {
    this.afterRound3 = constants.afterRound3;
    this.midstate = constants.midstate;
    this.tail = constants.tailSchedule.subarray(0, 3);
    this.targetTop = constants.targetTop;
  }

  scan(start: number, count: number): number {
    return scanUnrolled(this.afterRound3, this.midstate, this.tail, start, count, this.targetTop);
  }
}
