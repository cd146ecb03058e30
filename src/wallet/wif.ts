/**
 * Wallet Import Format: base58check(version || key || 0x01). Version 0x80 on main, 0xef on test
 * networks, as Bitcoin. Only compressed keys: our chain's witnesses accept nothing else.
 */
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import type { NetworkParams } from '../params/types.js';
import { isValidPrivateKey } from '../primitives/keys.js';
import { WalletError } from './errors.js';
import { coinType } from './hd.js';

const base58check = createBase58check(sha256);
const MAIN_VERSION = 0x80;
const TEST_VERSION = 0xef;
const COMPRESSED_FLAG = 0x01;

export function wifVersion(params: NetworkParams): number {
  return coinType(params) === 0 ? MAIN_VERSION : TEST_VERSION;
}

export function encodeWif(privateKey: Uint8Array, params: NetworkParams): string {
  const payload = new Uint8Array(34);
  payload[0] = wifVersion(params);
  payload.set(privateKey, 1);
  payload[33] = COMPRESSED_FLAG;
  return base58check.encode(payload);
}

/** The 32-byte key; throws WalletError('invalid-address-or-key') for anything else (never echoing the input). */
export function decodeWif(wif: string, params: NetworkParams): Uint8Array {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(wif.trim());
  } catch {
    throw new WalletError('invalid-address-or-key', 'Invalid private key encoding');
  }
  if (payload.length === 33) throw new WalletError('invalid-address-or-key', 'Uncompressed private keys cannot pay P2WPKH outputs');
  if (payload.length !== 34 || payload[33] !== COMPRESSED_FLAG) throw new WalletError('invalid-address-or-key', 'Invalid private key encoding');
  if (payload[0] !== wifVersion(params)) throw new WalletError('invalid-address-or-key', 'Private key is for another network');
  const key = payload.slice(1, 33);
  if (!isValidPrivateKey(key)) throw new WalletError('invalid-address-or-key', 'Private key out of range');
  return key;
}
