/**
 * Encryption at rest: scrypt turns the passphrase into a 32-byte key, and XChaCha20-Poly1305
 * (an AEAD, @noble/ciphers) seals the secrets with a fresh random 24-byte nonce each time, so a
 * wrong passphrase or a tampered record fails authentication instead of yielding garbage.
 * The KDF parameters travel with the ciphertext, so the cost can be raised later without
 * breaking old wallets.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { fromHex, toHex } from '../primitives/bytes.js';

/** 2^15: about 0.25 s in JS on a laptop core, well inside Core's "unlock in under a second". */
export const DEFAULT_SCRYPT_LOG_N = 15;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const NONCE_LENGTH = 24;

export interface KdfParams {
  name: 'scrypt';
  logN: number;
  r: number;
  p: number;
  /** hex */
  salt: string;
}

export interface SealedBox {
  kdf: KdfParams;
  cipher: 'xchacha20poly1305';
  /** hex */
  nonce: string;
  /** hex; the Poly1305 tag is its last 16 bytes. */
  ciphertext: string;
}

export function newKdfParams(logN = DEFAULT_SCRYPT_LOG_N): KdfParams {
  return { name: 'scrypt', logN, r: SCRYPT_R, p: SCRYPT_P, salt: toHex(randomBytes(SALT_LENGTH)) };
}

/** scrypt over the NFKC-normalised passphrase, so the same words typed on another system match. */
export function deriveKey(passphrase: string, kdf: KdfParams): Promise<Uint8Array> {
  const password = new TextEncoder().encode(passphrase.normalize('NFKC'));
  return scryptAsync(password, fromHex(kdf.salt), { N: 2 ** kdf.logN, r: kdf.r, p: kdf.p, dkLen: KEY_LENGTH });
}

/** `aad` binds the box to its purpose (and network), so a box cannot be moved to another record. */
export function seal(key: Uint8Array, kdf: KdfParams, plaintext: Uint8Array, aad: Uint8Array): SealedBox {
  const nonce = randomBytes(NONCE_LENGTH);
  const ciphertext = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
  return { kdf, cipher: 'xchacha20poly1305', nonce: toHex(nonce), ciphertext: toHex(ciphertext) };
}

/** The plaintext, or undefined when the key is wrong or the box was altered. */
export function unseal(key: Uint8Array, box: SealedBox, aad: Uint8Array): Uint8Array | undefined {
  try {
    return xchacha20poly1305(key, fromHex(box.nonce), aad).decrypt(fromHex(box.ciphertext));
  } catch {
    return undefined;
  }
}
