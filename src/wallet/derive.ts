/**
 * BIP32 child derivation for the wallet's hot path, with fewer elliptic-curve multiplications
 * than @scure/bip32's HDKey (which computes every new node's public key at once):
 * - a private child is IL + k mod n: no multiplication at all;
 * - a public child is K + IL·G, the multiplication done by OpenSSL (node:crypto's ECDH), the
 *   point addition by noble. IL comes from the xpub, so it is public data.
 * Both follow BIP32 exactly; test/wallet/derive.test.ts checks them against HDKey.
 */
import { createECDH } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import * as secp from '@noble/secp256k1';
import { CURVE_ORDER } from '../primitives/keys.js';

/** The parts of a BIP32 node derivation needs (HDKey has them as properties). */
export interface NodeParts {
  readonly publicKey: Uint8Array | null;
  readonly chainCode: Uint8Array | null;
  readonly privateKey?: Uint8Array | null;
}

const HARDENED = 0x80000000;

function tweak(parent: NodeParts, index: number): bigint {
  if (index < 0 || index >= HARDENED || !Number.isInteger(index)) throw new RangeError(`non-hardened index expected, got ${index}`);
  if (!parent.publicKey || !parent.chainCode) throw new Error('BIP32 node without public key or chain code');
  const data = new Uint8Array(37);
  data.set(parent.publicKey, 0);
  new DataView(data.buffer).setUint32(33, index, false);
  const il = hmac(sha512, parent.chainCode, data).subarray(0, 32);
  const value = bytesToBigInt(il);
  // BIP32: such an index is invalid (probability below 2^-127); the caller would move on.
  if (value >= CURVE_ORDER) throw new Error(`BIP32 index ${index} is invalid (IL >= n)`);
  return value;
}

/** The child's private key (non-hardened index), as HDKey.deriveChild(index).privateKey. */
export function privateChild(parent: NodeParts, index: number): Uint8Array {
  if (!parent.privateKey) throw new Error('BIP32 node has no private key');
  const key = (tweak(parent, index) + bytesToBigInt(parent.privateKey)) % CURVE_ORDER;
  if (key === 0n) throw new Error(`BIP32 index ${index} is invalid (zero key)`);
  return bigIntTo32(key);
}

/** Per parent node: its public key as a curve point (decompressed once) and an ECDH context to reuse. */
const parentPoints = new WeakMap<NodeParts, { point: secp.Point; ecdh: ReturnType<typeof createECDH> }>();

/** The child's compressed public key (non-hardened index), as HDKey.deriveChild(index).publicKey. */
export function publicChild(parent: NodeParts, index: number): Uint8Array {
  const il = tweak(parent, index);
  let cached = parentPoints.get(parent);
  if (!cached) {
    cached = { point: secp.Point.fromBytes(parent.publicKey!), ecdh: createECDH('secp256k1') };
    parentPoints.set(parent, cached);
  }
  cached.ecdh.setPrivateKey(bigIntTo32(il));
  // Uncompressed, so noble need not take a square root to rebuild the point.
  const tweakPoint = secp.Point.fromBytes(new Uint8Array(cached.ecdh.getPublicKey(null, 'uncompressed')));
  const child = cached.point.add(tweakPoint);
  if (child.is0()) throw new Error(`BIP32 index ${index} is invalid (point at infinity)`);
  return child.toBytes(true);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function bigIntTo32(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}
