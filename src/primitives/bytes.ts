import { DecodeError } from './errors.js';

/**
 * Node's native hex: one flat string. Appending two characters at a time left a rope of ~30
 * linked pieces per 32-byte hash, kept for as long as the string was: the signature cache's
 * keys alone were 400,000 heap objects (12 MB) per 14,000 mempool txs, all marked by every full GC.
 */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new DecodeError('bad-hex', `hex string has odd length ${hex.length}`);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new DecodeError('bad-hex', 'hex string has a character outside 0-9, a-f');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Bitcoin shows hashes byte-reversed ("display order"); consensus code works on internal order. */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[bytes.length - 1 - i];
  return out;
}

export function hashToHex(internal: Uint8Array): string {
  // Node's native hex of a reversed copy: a flat string at once, where 32 concatenations left a
  // rope each map lookup flattened again (loading a 100,000-block index makes 200,000 of these).
  const reversed = Buffer.allocUnsafe(internal.length);
  for (let i = 0, j = internal.length - 1; j >= 0; i++, j--) reversed[i] = internal[j];
  return reversed.toString('hex');
}

export function hexToHash(display: string): Uint8Array {
  const bytes = fromHex(display);
  if (bytes.length !== 32) throw new DecodeError('bad-hex', `a hash is 32 bytes, got ${bytes.length}`);
  return reverseBytes(bytes);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const ZERO_HASH: Uint8Array = new Uint8Array(32);

export function isZeroHash(hash: Uint8Array): boolean {
  for (let i = 0; i < hash.length; i++) if (hash[i] !== 0) return false;
  return true;
}
