/**
 * Descriptor key expressions (BIP380): `[fingerprint/origin/path]KEY/path/*`, where KEY is a hex
 * public key, a WIF private key, or an extended key (xpub/xprv on main, tpub/tprv elsewhere).
 */
import { HDKey } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import type { NetworkParams } from '../../params/types.js';
import { fromHex, toHex } from '../bytes.js';
import { hash160 } from '../hash.js';
import * as secp from '@noble/secp256k1';
import { isCompressedOrUncompressedPublicKey, isValidPrivateKey } from '../keys.js';
import { DescriptorError } from './errors.js';

export const HARDENED = 0x80000000;
const base58check = createBase58check(sha256);

/** One step of a path and how it was written (`'` or `h`), so the string comes back as given. */
export interface PathStep {
  index: number;
  mark: '' | "'" | 'h';
}

export interface KeyOriginInfo {
  fingerprint: string;
  path: PathStep[];
}

export interface KeyExpression {
  origin?: KeyOriginInfo;
  /** A fixed key (hex or WIF), or an extended key with the steps after it and an optional range. */
  constant?: { publicKey: Uint8Array; privateKey?: Uint8Array };
  extended?: { node: HDKey; path: PathStep[]; range?: '' | "'" | 'h' };
}

/** Extended-key version bytes: Bitcoin's xpub/xprv on main, tpub/tprv on every test network (as Core's regtest). */
export function extendedVersions(params: NetworkParams): { public: number; private: number } {
  return params.name === 'main' || params.name === 'bitcoin' ? { public: 0x0488b21e, private: 0x0488ade4 } : { public: 0x043587cf, private: 0x04358394 };
}

function wifVersion(params: NetworkParams): number {
  return params.name === 'main' || params.name === 'bitcoin' ? 0x80 : 0xef;
}

function parseStep(text: string, what: string): PathStep {
  const last = text.at(-1);
  const mark = last === "'" || last === 'h' || last === 'H' ? (last === 'H' ? 'h' : last) : '';
  const digits = mark ? text.slice(0, -1) : text;
  if (!/^[0-9]{1,10}$/.test(digits)) throw new DescriptorError(`${what} '${text}' is not valid`);
  const index = Number(digits);
  if (index >= HARDENED) throw new DescriptorError(`${what} ${index} is out of range`);
  return { index: mark ? index + HARDENED : index, mark };
}

export function pathText(path: readonly PathStep[]): string {
  return path.map((step) => `/${step.index >= HARDENED ? step.index - HARDENED : step.index}${step.mark}`).join('');
}

function parseOrigin(text: string): KeyOriginInfo {
  const parts = text.split('/');
  const fingerprint = parts[0];
  if (!/^[0-9a-fA-F]{8}$/.test(fingerprint)) throw new DescriptorError(`Fingerprint '${fingerprint}' is not hex of 8 characters`);
  return { fingerprint: fingerprint.toLowerCase(), path: parts.slice(1).map((part) => parseStep(part, 'Key path value')) };
}

function decodeWif(text: string, params: NetworkParams): { publicKey: Uint8Array; privateKey: Uint8Array } | undefined {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(text);
  } catch {
    return undefined;
  }
  if (payload[0] !== wifVersion(params) || (payload.length !== 33 && !(payload.length === 34 && payload[33] === 1))) return undefined;
  const privateKey = payload.slice(1, 33);
  if (!isValidPrivateKey(privateKey)) return undefined;
  return { privateKey, publicKey: secp.getPublicKey(privateKey, payload.length === 34) };
}

function decodeExtended(text: string, params: NetworkParams): HDKey | undefined {
  try {
    return HDKey.fromExtendedKey(text, extendedVersions(params));
  } catch {
    return undefined;
  }
}

/** Parses one key expression; `compressedOnly` inside wpkh() and wsh(), as BIP381/382 require. */
export function parseKey(text: string, params: NetworkParams, compressedOnly: boolean): KeyExpression {
  let rest = text;
  let origin: KeyOriginInfo | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new DescriptorError(`Key origin start '[ character expected but not found, got '${rest}'`);
    origin = parseOrigin(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  const parts = rest.split('/');
  const head = parts[0];
  if (parts.length === 1) {
    if (/^[0-9a-fA-F]+$/.test(head) && (head.length === 66 || head.length === 130)) {
      const publicKey = fromHex(head.toLowerCase());
      if (!isCompressedOrUncompressedPublicKey(publicKey)) throw new DescriptorError(`Pubkey '${head}' is invalid`);
      if (compressedOnly && publicKey.length !== 33) throw new DescriptorError('Uncompressed keys are not allowed');
      return { origin, constant: { publicKey } };
    }
    const wif = decodeWif(head, params);
    if (wif) {
      if (compressedOnly && wif.publicKey.length !== 33) throw new DescriptorError('Uncompressed keys are not allowed');
      return { origin, constant: wif };
    }
  }
  const node = decodeExtended(head, params);
  if (!node) throw new DescriptorError(`key '${head}' is not valid`);
  let range: '' | "'" | 'h' | undefined;
  const steps = parts.slice(1);
  const last = steps.at(-1);
  if (last === '*' || last === "*'" || last === '*h' || last === '*H') {
    steps.pop();
    range = last === '*' ? '' : last === "*'" ? "'" : 'h';
  }
  const path = steps.map((step) => {
    if (step.includes('*')) throw new DescriptorError("'*' may only appear as last element in a derivation path");
    return parseStep(step, 'Key path value');
  });
  return { origin, extended: { node, path, range } };
}

export function isRangeKey(key: KeyExpression): boolean {
  return key.extended?.range !== undefined;
}

export function hasPrivateKey(key: KeyExpression): boolean {
  return key.constant ? key.constant.privateKey !== undefined : key.extended!.node.privateKey !== null;
}

function deriveStep(node: HDKey, step: PathStep): HDKey {
  if (step.index >= HARDENED && !node.privateKey) throw new DescriptorError('Cannot derive script without private keys');
  return node.deriveChild(step.index);
}

function derivePath(node: HDKey, path: readonly PathStep[]): HDKey {
  return path.reduce(deriveStep, node);
}

/** A ranged key's node before its `*` step, derived once per key expression: each index then costs one step. */
const fixedNodes = new WeakMap<object, HDKey>();

function fixedPart(extended: NonNullable<KeyExpression['extended']>): HDKey {
  let node = fixedNodes.get(extended);
  if (!node) {
    node = derivePath(extended.node, extended.path);
    fixedNodes.set(extended, node);
  }
  return node;
}

/** The public key at `index` (for a ranged key) with its full origin, or throws when a hardened step needs a private key we lack. */
export function deriveKey(key: KeyExpression, index: number): { publicKey: Uint8Array; privateKey?: Uint8Array; origin: KeyOriginInfo } {
  if (key.constant) {
    const origin = key.origin ?? { fingerprint: toHex(hash160(key.constant.publicKey).subarray(0, 4)), path: [] };
    return { publicKey: key.constant.publicKey, privateKey: key.constant.privateKey, origin };
  }
  const { node, path, range } = key.extended!;
  const steps = range === undefined ? path : [...path, { index: range === '' ? index : index + HARDENED, mark: range }];
  let child = range === undefined ? derivePath(node, path) : fixedPart(key.extended!);
  if (range !== undefined) child = deriveStep(child, steps[steps.length - 1]);
  const origin = key.origin
    ? { fingerprint: key.origin.fingerprint, path: [...key.origin.path, ...steps] }
    : { fingerprint: node.fingerprint.toString(16).padStart(8, '0'), path: steps };
  return { publicKey: child.publicKey!, privateKey: child.privateKey ?? undefined, origin };
}

/** The key expression as text; `publicOnly` writes xpubs and hex keys in place of private ones (Core's ToString). */
export function keyText(key: KeyExpression, params: NetworkParams, publicOnly: boolean): string {
  const origin = key.origin ? `[${key.origin.fingerprint}${pathText(key.origin.path)}]` : '';
  if (key.constant) {
    const { publicKey, privateKey } = key.constant;
    if (!publicOnly && privateKey) {
      const payload = new Uint8Array(publicKey.length === 33 ? 34 : 33);
      payload[0] = wifVersion(params);
      payload.set(privateKey, 1);
      if (publicKey.length === 33) payload[33] = 1;
      return origin + base58check.encode(payload);
    }
    return origin + toHex(publicKey);
  }
  const { node, path, range } = key.extended!;
  const versions = extendedVersions(params);
  const encoded = publicOnly || !node.privateKey
    ? new HDKey({ versions, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode!, publicKey: node.publicKey! }).publicExtendedKey
    : new HDKey({ versions, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode!, privateKey: node.privateKey }).privateExtendedKey;
  return origin + encoded + pathText(path) + (range === undefined ? '' : `/*${range}`);
}

/** An extended key as its public text (xpub on main, tpub elsewhere), whatever it was written as. */
export function extendedPublicText(node: HDKey, params: NetworkParams): string {
  const versions = extendedVersions(params);
  return new HDKey({ versions, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode!, publicKey: node.publicKey! }).publicExtendedKey;
}

/** A hardened range (`/*h`): each index needs the private key, so it cannot be derived from public data. */
export function isHardenedRangeKey(key: KeyExpression): boolean {
  return key.extended?.range === "'" || key.extended?.range === 'h';
}

/**
 * Core's normalised form: the hardened steps after an extended private key derived away into the
 * key's origin (`xprv/84h/1h/0h/0/*` becomes `[fingerprint/84h/1h/0h]xpub/0/*`), so the public
 * form derives the same keys with no secret. Other keys come back as they are.
 */
export function normalizeKey(key: KeyExpression): KeyExpression {
  if (!key.extended?.node.privateKey) return key;
  const { node, path, range } = key.extended;
  const lastHardened = path.findLastIndex((step) => step.index >= HARDENED);
  if (lastHardened < 0) return key;
  const hardened = path.slice(0, lastHardened + 1);
  let child = node;
  for (const step of hardened) child = child.deriveChild(step.index);
  const origin = key.origin
    ? { fingerprint: key.origin.fingerprint, path: [...key.origin.path, ...hardened] }
    : { fingerprint: node.fingerprint.toString(16).padStart(8, '0'), path: hardened };
  return { origin, extended: { node: child, path: path.slice(lastHardened + 1), range } };
}
