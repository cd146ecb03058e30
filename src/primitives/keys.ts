import { createHmac } from 'node:crypto';
import * as secp from '@noble/secp256k1';
import { sha256 } from '@noble/hashes/sha2.js';
import { hash160 } from './hash.js';

// The one place that touches secp256k1. noble's synchronous sign needs these two hashes for
// RFC6979 nonces; setting them at module load is idempotent and shared by every caller. The
// HMAC is node:crypto's: an RFC6979 nonce takes several, and the native one is ~6x faster.
secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, message) => {
  const mac = createHmac('sha256', key).update(message).digest();
  return new Uint8Array(mac.buffer, mac.byteOffset, mac.byteLength);
};

export const PRIVATE_KEY_LENGTH = 32;
export const COMPRESSED_PUBKEY_LENGTH = 33;
export const UNCOMPRESSED_PUBKEY_LENGTH = 65;
/** Compact ECDSA signature: r || s, 32 bytes each, big-endian. */
export const COMPACT_SIGNATURE_LENGTH = 64;

/** secp256k1 group order n. */
export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** floor(n / 2): a signature's S above this is "high" and malleable (BIP62 / BIP146). */
export const HALF_CURVE_ORDER = CURVE_ORDER >> 1n;

/** A 32-byte scalar in [1, n-1]. */
export function isValidPrivateKey(privateKey: Uint8Array): boolean {
  return privateKey.length === PRIVATE_KEY_LENGTH && secp.utils.isValidSecretKey(privateKey);
}

/** A fresh random private key from the platform CSPRNG. */
export function generatePrivateKey(): Uint8Array {
  return secp.utils.randomSecretKey();
}

/** The 33-byte compressed SEC1 public key: the only form our chain's witnesses accept. */
export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  return secp.getPublicKey(privateKey, true);
}

/** Encoding test only (Core's IsCompressedPubKey): 33 bytes starting 0x02 or 0x03; not checked to be on the curve. */
export function isCompressedPublicKey(publicKey: Uint8Array): boolean {
  return publicKey.length === COMPRESSED_PUBKEY_LENGTH && (publicKey[0] === 0x02 || publicKey[0] === 0x03);
}

/** Encoding test only (Core's IsCompressedOrUncompressedPubKey). */
export function isCompressedOrUncompressedPublicKey(publicKey: Uint8Array): boolean {
  if (isCompressedPublicKey(publicKey)) return true;
  return publicKey.length === UNCOMPRESSED_PUBKEY_LENGTH && publicKey[0] === 0x04;
}

/** hash160(pubkey): the 20-byte program of the P2WPKH output that pays this key. */
export function publicKeyHash(publicKey: Uint8Array): Uint8Array {
  return hash160(publicKey);
}

/**
 * ECDSA-sign a 32-byte digest that is already the message hash (Bitcoin signs the sighash
 * itself, so noble's own pre-hashing must be off). Deterministic RFC6979 nonce, low-S.
 * Returns the compact r || s form.
 */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  if (digest.length !== 32) throw new RangeError(`a digest is 32 bytes, got ${digest.length}`);
  return secp.sign(digest, privateKey, { prehash: false, lowS: true, format: 'compact' });
}

/**
 * ECDSA-verify a compact signature over a 32-byte digest. False for any invalid signature,
 * including r or s out of range and a public key that is not a curve point; high-S is refused.
 * This is the expensive call (milliseconds): callers cache its results.
 */
export function verifyDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== COMPACT_SIGNATURE_LENGTH || digest.length !== 32) return false;
  return secp.verify(signature, digest, publicKey, { prehash: false, lowS: true, format: 'compact' });
}

/**
 * A recoverable signature over a 32-byte digest (for signed messages): the recovery id (0-3)
 * followed by the compact r || s, low-S, deterministic nonce.
 */
export function signDigestRecoverable(digest: Uint8Array, privateKey: Uint8Array): { recovery: number; signature: Uint8Array } {
  if (digest.length !== 32) throw new RangeError(`a digest is 32 bytes, got ${digest.length}`);
  const recovered = secp.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' });
  return { recovery: recovered[0], signature: recovered.slice(1) };
}

/** The compressed public key that made `signature` (r || s) over `digest` with `recovery`; undefined when none does. */
export function recoverPublicKey(signature: Uint8Array, recovery: number, digest: Uint8Array): Uint8Array | undefined {
  if (signature.length !== COMPACT_SIGNATURE_LENGTH || digest.length !== 32 || !Number.isInteger(recovery) || recovery < 0 || recovery > 3) return undefined;
  const recovered = new Uint8Array(65);
  recovered[0] = recovery;
  recovered.set(signature, 1);
  try {
    return secp.recoverPublicKey(recovered, digest, { prehash: false });
  } catch {
    return undefined;
  }
}
