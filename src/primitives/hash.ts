import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';

export { sha256 };

/** Bitcoin's hash: SHA-256 applied twice. Result in internal byte order. */
export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** RIPEMD-160 of SHA-256: the 20-byte key hash inside a P2WPKH output. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}
