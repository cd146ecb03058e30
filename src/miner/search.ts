/**
 * Nonce search as a pure function: the lowest nonce in a range whose block hash is at most the
 * target. A scanner (the JS or the WebAssembly SIMD loop) finds candidates by the hash's most
 * significant word alone; each candidate is confirmed here by its full hash, so a candidate whose
 * top word only ties the target's is skipped exactly as Core's full comparison would.
 */
import { JsScanner, MAX_SCAN, type NonceScanner, type SearchConstants, hashValue, headerHash, searchConstants } from './sha256-js.js';
import { wasmSimdSupported } from '../primitives/wasm/wasm-api.js';
import { WasmScanner } from './wasm/wasm-scanner.js';

export type SearchImpl = 'wasm' | 'js';

export interface SearchJob {
  /** 80 serialized header bytes; the nonce field (bytes 76..79) is ignored. */
  header: Uint8Array;
  /** Hashes (as little-endian 256-bit numbers) at most this value solve the job. */
  target: bigint;
  startNonce: number;
  /** Exclusive; at most 2^32. */
  endNonce: number;
}

export interface SearchResult {
  /** The lowest solving nonce in the range, if any. */
  nonce: number | undefined;
  /** Hashes tried: up to and including the solving nonce, else the whole range. */
  hashes: number;
}

/** The fastest loop this runtime can run: WebAssembly SIMD where it validates, else plain JS. */
export function bestSearchImpl(): SearchImpl {
  return wasmSimdSupported() ? 'wasm' : 'js';
}

/** A job made ready to search many sub-ranges (a worker searches its chunks in slices). */
export class PreparedSearch {
  readonly constants: SearchConstants;
  readonly impl: SearchImpl;
  private readonly scanner: NonceScanner;

  constructor(header: Uint8Array, target: bigint, impl: SearchImpl = bestSearchImpl()) {
    this.constants = searchConstants(header, target);
    this.impl = impl;
    if (impl === 'wasm' && !wasmSimdSupported()) throw new Error('WebAssembly SIMD is not supported by this runtime');
    this.scanner = impl === 'wasm' ? new WasmScanner(this.constants) : new JsScanner(this.constants);
  }

  /** The lowest solving nonce in [startNonce, endNonce), as searchNonces. */
  search(startNonce: number, endNonce: number): SearchResult {
    checkRange(startNonce, endNonce);
    let next = startNonce;
    while (next < endNonce) {
      const count = Math.min(endNonce - next, MAX_SCAN);
      const offset = this.scanner.scan(next | 0, count);
      if (offset < 0) {
        next += count;
        continue;
      }
      const nonce = next + offset;
      if (hashValue(headerHash(this.constants, nonce)) <= this.constants.target) return { nonce, hashes: nonce - startNonce + 1 };
      next = nonce + 1; // the top word tied the target's and the rest was above it
    }
    return { nonce: undefined, hashes: endNonce - startNonce };
  }
}

function checkRange(startNonce: number, endNonce: number): void {
  if (!Number.isInteger(startNonce) || !Number.isInteger(endNonce) || startNonce < 0 || endNonce > 2 ** 32 || startNonce > endNonce) {
    throw new RangeError(`bad nonce range [${startNonce}, ${endNonce}): need integers 0 ≤ start ≤ end ≤ 2^32`);
  }
}

/**
 * The FIRST (lowest) nonce in [startNonce, endNonce) whose double-SHA256 header hash, read as a
 * little-endian 256-bit number, is ≤ target; or undefined. `hashes` counts the nonces tried.
 */
export function searchNonces(job: SearchJob, impl: SearchImpl = bestSearchImpl()): SearchResult {
  return new PreparedSearch(job.header, job.target, impl).search(job.startNonce, job.endNonce);
}
