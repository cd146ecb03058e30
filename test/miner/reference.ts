// Reference double SHA-256 searches for the miner tests: node:crypto (OpenSSL) and @noble/hashes.
import { createHash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';

export type Sha256d = (data: Uint8Array) => Uint8Array;

export const opensslSha256d: Sha256d = (data) => createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
export const nobleSha256d: Sha256d = (data) => sha256(sha256(data));

/** The hash as the little-endian 256-bit number Core compares with the target. */
export function hashNumber(hash: Uint8Array): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(hash[i]);
  return value;
}

export function withNonce(header: Uint8Array, nonce: number): Uint8Array {
  const copy = header.slice();
  new DataView(copy.buffer).setUint32(76, nonce >>> 0, true);
  return copy;
}

/** One nonce at a time, the obvious way: the lowest solving nonce and the hashes tried. */
export function referenceSearch(header: Uint8Array, target: bigint, start: number, end: number, hash: Sha256d = opensslSha256d): { nonce: number | undefined; hashes: number } {
  for (let nonce = start; nonce < end; nonce++) {
    if (hashNumber(hash(withNonce(header, nonce))) <= target) return { nonce, hashes: nonce - start + 1 };
  }
  return { nonce: undefined, hashes: end - start };
}
