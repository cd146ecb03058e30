/**
 * BIP32 child derivation for the wallet's hot path, with fewer elliptic-curve multiplications
 * than @scure/bip32's HDKey (which computes every new node's public key at once):
 * - a private child is IL + k mod n: no multiplication at all;
 * - a public child is K + IL·G, with noble's fixed-base multiplication (its precomputed table
 *   for G makes it about twice as fast as OpenSSL's generic ECDH here, and it needs no
 *   round trip through bytes). IL comes from the xpub, so it is public data.
 * HMAC-SHA512 is node:crypto's (several times faster than the JS one): a send derives one
 * change key ahead. Both follow BIP32 exactly; test/wallet/derive.test.ts checks them against HDKey.
 */
import { createHmac } from 'node:crypto';
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
  const il = createHmac('sha512', parent.chainCode).update(data).digest().subarray(0, 32);
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

/** Per parent node: its public key as a curve point, decompressed once. */
const parentPoints = new WeakMap<NodeParts, secp.Point>();

/** The child's compressed public key (non-hardened index), as HDKey.deriveChild(index).publicKey. */
export function publicChild(parent: NodeParts, index: number): Uint8Array {
  const il = tweak(parent, index);
  let point = parentPoints.get(parent);
  if (!point) {
    point = secp.Point.fromBytes(parent.publicKey!);
    parentPoints.set(parent, point);
  }
  // IL = 0 is a valid tweak (the child is the parent's key); noble's multiply refuses zero.
  const child = il === 0n ? point : point.add(secp.Point.BASE.multiply(il));
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
