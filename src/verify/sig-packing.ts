import type { SignatureCheck } from '../consensus/p2wpkh.js';

/**
 * The wire form of signature checks sent to a worker thread: fixed 129-byte records
 * `preimageHash(32) || signature(64) || publicKey(33)` in one ArrayBuffer, so a chunk of a block
 * crosses the thread boundary as a single transferred buffer, with no per-check objects to clone.
 */

const PREIMAGE_HASH_BYTES = 32;
const SIGNATURE_BYTES = 64;
const PUBLIC_KEY_BYTES = 33;
export const PACKED_CHECK_BYTES = PREIMAGE_HASH_BYTES + SIGNATURE_BYTES + PUBLIC_KEY_BYTES;

/** What the pool posts to a worker: one transferred buffer of packed checks. */
export interface ChunkRequest {
  readonly buffer: ArrayBuffer;
}

/** What the worker posts back. */
export interface ChunkResult {
  /** Index within the chunk of the first failing check, or -1 when all pass. */
  readonly failed: number;
}

function hasPackableLengths(check: SignatureCheck): boolean {
  return check.preimageHash.length === PREIMAGE_HASH_BYTES && check.signature.length === SIGNATURE_BYTES && check.publicKey.length === PUBLIC_KEY_BYTES;
}

/**
 * Packs `checks[start, end)` into a fresh buffer. A check with a wrong-length part is left as
 * zeros: an all-zero public key is not a curve point, so that record fails in the worker exactly
 * as `verifySignatureCheck` fails the original, and indexes stay aligned with the input.
 */
export function packChecks(checks: readonly SignatureCheck[], start = 0, end = checks.length): ArrayBuffer {
  const buffer = new ArrayBuffer((end - start) * PACKED_CHECK_BYTES);
  const bytes = new Uint8Array(buffer);
  for (let i = start; i < end; i++) {
    const check = checks[i];
    if (!hasPackableLengths(check)) continue;
    const offset = (i - start) * PACKED_CHECK_BYTES;
    bytes.set(check.preimageHash, offset);
    bytes.set(check.signature, offset + PREIMAGE_HASH_BYTES);
    bytes.set(check.publicKey, offset + PREIMAGE_HASH_BYTES + SIGNATURE_BYTES);
  }
  return buffer;
}

/** How many records a packed buffer holds, or -1 if its length is not a whole number of records. */
export function packedCount(buffer: ArrayBuffer): number {
  return buffer.byteLength % PACKED_CHECK_BYTES === 0 ? buffer.byteLength / PACKED_CHECK_BYTES : -1;
}

/** Record `index` of a packed buffer, as views into it (no copy). */
export function unpackCheck(buffer: ArrayBuffer, index: number): SignatureCheck {
  const offset = index * PACKED_CHECK_BYTES;
  return {
    preimageHash: new Uint8Array(buffer, offset, PREIMAGE_HASH_BYTES),
    signature: new Uint8Array(buffer, offset + PREIMAGE_HASH_BYTES, SIGNATURE_BYTES),
    publicKey: new Uint8Array(buffer, offset + PREIMAGE_HASH_BYTES + SIGNATURE_BYTES, PUBLIC_KEY_BYTES),
  };
}
