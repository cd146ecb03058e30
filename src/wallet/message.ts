/**
 * Signed messages (Core's signmessage/verifymessage) with BIP137's header byte, so P2WPKH
 * addresses can sign: 27+recid (P2PKH, uncompressed), 31+ (P2PKH compressed), 35+ (P2SH-P2WPKH),
 * 39+ (P2WPKH, what we write). The digest is Core's: sha256d of the magic and the message, each
 * with its CompactSize length. Verifying recovers the key and compares its hash160 with the
 * address's witness program; headers for uncompressed keys cannot match a P2WPKH address.
 */
import type { NetworkParams } from '../params/types.js';
import { AddressError, decodeAddress } from '../primitives/address.js';
import { concatBytes } from '../primitives/bytes.js';
import { sha256d } from '../primitives/hash.js';
import { COMPACT_SIGNATURE_LENGTH, publicKeyHash, recoverPublicKey, signDigestRecoverable } from '../primitives/keys.js';
import { WalletError } from './errors.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Bitcoin's magic: tools that check Bitcoin signed messages (Electrum, bitcoinjs-message) check ours. */
export const MESSAGE_MAGIC = 'Bitcoin Signed Message:\n';
const P2WPKH_HEADER = 39;

export function messageDigest(message: string): Uint8Array {
  return sha256d(concatBytes(compactSized(utf8(MESSAGE_MAGIC)), compactSized(utf8(message))));
}

/** Base64 of header || r || s. */
export function signMessage(privateKey: Uint8Array, message: string): string {
  const { recovery, signature } = signDigestRecoverable(messageDigest(message), privateKey);
  const out = new Uint8Array(1 + COMPACT_SIGNATURE_LENGTH);
  out[0] = P2WPKH_HEADER + recovery;
  out.set(signature, 1);
  return Buffer.from(out).toString('base64');
}

/** Core's verifymessage: -5 for a bad address or base64; false for a signature by another key. */
export function verifyMessage(address: string, signatureBase64: string, message: string, params: NetworkParams): boolean {
  let program: Uint8Array;
  try {
    program = decodeAddress(address, params.bech32Prefix).program;
  } catch (err) {
    if (err instanceof AddressError) throw new WalletError('invalid-address-or-key', 'Invalid address');
    throw err;
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(signatureBase64) || signatureBase64.length % 4 !== 0) {
    throw new WalletError('invalid-address-or-key', 'Malformed base64 encoding');
  }
  const bytes = Buffer.from(signatureBase64, 'base64');
  if (bytes.length !== 1 + COMPACT_SIGNATURE_LENGTH) return false;
  const header = bytes[0];
  // Uncompressed keys (27-30) never hash to a P2WPKH program; other BIP137 headers name a compressed key.
  if (header < 31 || header > 42) return false;
  const key = recoverPublicKey(new Uint8Array(bytes.subarray(1)), (header - 27) % 4, messageDigest(message));
  if (!key) return false;
  return Buffer.from(publicKeyHash(key)).equals(Buffer.from(program));
}

function compactSized(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  let prefix: Uint8Array;
  if (n < 0xfd) prefix = Uint8Array.of(n);
  else if (n <= 0xffff) prefix = Uint8Array.of(0xfd, n & 0xff, n >> 8);
  else prefix = Uint8Array.of(0xfe, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  return concatBytes(prefix, bytes);
}
