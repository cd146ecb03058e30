/**
 * Output descriptors (BIP380-386 without tr()): parsed into a tree, written back (public or
 * private form, with checksum), and expanded into output scripts at a range index. Used by the
 * node (scantxoutset, generatetodescriptor, deriveaddresses) and the wallet (import/list).
 */
import type { NetworkParams } from '../../params/types.js';
import { decodeSegwitAddress, scriptToAddress, segwitOutputScript } from '../address.js';
import { concatBytes, fromHex, toHex } from '../bytes.js';
import { hash160, sha256 } from '../hash.js';
import { addChecksum, splitChecksum } from './checksum.js';
import { DescriptorError } from './errors.js';
import { type KeyExpression, type KeyOriginInfo, deriveKey, hasPrivateKey, isHardenedRangeKey, isRangeKey, keyText, normalizeKey, parseKey } from './keys.js';

export type DescriptorNode =
  | { type: 'pk' | 'pkh' | 'wpkh' | 'combo'; key: KeyExpression }
  | { type: 'multi' | 'sortedmulti'; threshold: number; keys: KeyExpression[] }
  | { type: 'sh' | 'wsh'; inner: DescriptorNode }
  | { type: 'addr'; address: string; script: Uint8Array }
  | { type: 'raw'; script: Uint8Array };

type Context = 'top' | 'sh' | 'wsh';

/** One derived key of an expansion: what signing and PSBT key origins need. */
export interface ExpandedKey {
  publicKey: Uint8Array;
  privateKey?: Uint8Array;
  origin: KeyOriginInfo;
}

const OP_CHECKSIG = 0xac;
const OP_CHECKMULTISIG = 0xae;
/** Core's limits: bare multisig to 3 keys, P2SH to 15 (520-byte redeem script), P2WSH to 20. */
const MULTI_LIMIT: Record<Context, number> = { top: 3, sh: 15, wsh: 20 };

function push(data: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(data.length), data);
}

function smallNumber(n: number): Uint8Array {
  return n <= 16 ? Uint8Array.of(0x50 + n) : Uint8Array.of(1, n);
}

/** Splits `a,b(c,d),e` at its top-level commas. */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  args.push(text.slice(start));
  return args;
}

function parseNode(text: string, params: NetworkParams, ctx: Context): DescriptorNode {
  const open = text.indexOf('(');
  if (open < 0 || !text.endsWith(')')) throw new DescriptorError(`'${text}' is not a valid descriptor function`);
  const name = text.slice(0, open);
  const body = text.slice(open + 1, -1);
  const compressedOnly = ctx === 'wsh';
  switch (name) {
    case 'pk':
    case 'pkh':
      return { type: name, key: parseKey(body, params, compressedOnly) };
    case 'wpkh':
      if (ctx === 'wsh') throw new DescriptorError('Can only have wpkh() at top level or inside sh()');
      return { type: 'wpkh', key: parseKey(body, params, true) };
    case 'combo':
      if (ctx !== 'top') throw new DescriptorError('Can only have combo() at top level');
      return { type: 'combo', key: parseKey(body, params, false) };
    case 'multi':
    case 'sortedmulti': {
      const [first, ...keyArgs] = splitArgs(body);
      if (!/^[0-9]{1,2}$/.test(first)) throw new DescriptorError(`Multi threshold '${first}' is not valid`);
      const threshold = Number(first);
      const keys = keyArgs.map((arg) => parseKey(arg, params, compressedOnly));
      if (keys.length === 0 || keys.length > MULTI_LIMIT[ctx]) throw new DescriptorError(`Cannot have ${keys.length} keys in multisig; must have between 1 and ${MULTI_LIMIT[ctx]} keys, inclusive`);
      if (threshold < 1 || threshold > keys.length) throw new DescriptorError(`Multisig threshold cannot be ${threshold}, must be at least 1 and at most ${keys.length}`);
      return { type: name, threshold, keys };
    }
    case 'sh':
      if (ctx !== 'top') throw new DescriptorError('Can only have sh() at top level');
      return { type: 'sh', inner: parseNode(body, params, 'sh') };
    case 'wsh':
      if (ctx === 'wsh') throw new DescriptorError('Can only have wsh() at top level or inside sh()');
      return { type: 'wsh', inner: parseNode(body, params, 'wsh') };
    case 'addr': {
      if (ctx !== 'top') throw new DescriptorError('Can only have addr() at top level');
      let script: Uint8Array;
      try {
        const { version, program } = decodeSegwitAddress(body, params.bech32Prefix);
        script = segwitOutputScript(version, program);
      } catch {
        throw new DescriptorError('Address is not valid');
      }
      return { type: 'addr', address: body, script };
    }
    case 'raw':
      if (ctx !== 'top') throw new DescriptorError('Can only have raw() at top level');
      if (!/^([0-9a-fA-F]{2})*$/.test(body)) throw new DescriptorError('Raw script is not hex');
      return { type: 'raw', script: fromHex(body.toLowerCase()) };
    case 'tr':
      throw new DescriptorError('tr() descriptors are not supported (our chain has no taproot outputs)');
    default:
      throw new DescriptorError(`'${name}(' is not a valid descriptor function`);
  }
}

function nodeKeys(node: DescriptorNode): KeyExpression[] {
  if ('key' in node) return [node.key];
  if ('keys' in node) return node.keys;
  if ('inner' in node) return nodeKeys(node.inner);
  return [];
}

function mapKeys(node: DescriptorNode, map: (key: KeyExpression) => KeyExpression): DescriptorNode {
  if ('key' in node) return { ...node, key: map(node.key) };
  if ('keys' in node) return { ...node, keys: node.keys.map(map) };
  if ('inner' in node) return { ...node, inner: mapKeys(node.inner, map) };
  return node;
}

function nodeText(node: DescriptorNode, params: NetworkParams, publicOnly: boolean): string {
  switch (node.type) {
    case 'multi':
    case 'sortedmulti':
      return `${node.type}(${[String(node.threshold), ...node.keys.map((key) => keyText(key, params, publicOnly))].join(',')})`;
    case 'sh':
    case 'wsh':
      return `${node.type}(${nodeText(node.inner, params, publicOnly)})`;
    case 'addr':
      return `addr(${node.address})`;
    case 'raw':
      return `raw(${toHex(node.script)})`;
    default:
      return `${node.type}(${keyText(node.key, params, publicOnly)})`;
  }
}

/** The scripts of `node` at `index`, each with the keys it involves. */
function nodeScripts(node: DescriptorNode, index: number, keys: ExpandedKey[]): Uint8Array[] {
  const derive = (key: KeyExpression) => {
    const derived = deriveKey(key, index);
    keys.push(derived);
    return derived.publicKey;
  };
  switch (node.type) {
    case 'pk':
      return [concatBytes(push(derive(node.key)), Uint8Array.of(OP_CHECKSIG))];
    case 'pkh':
      return [concatBytes(Uint8Array.of(0x76, 0xa9), push(hash160(derive(node.key))), Uint8Array.of(0x88, OP_CHECKSIG))];
    case 'wpkh':
      return [segwitOutputScript(0, hash160(derive(node.key)))];
    case 'combo': {
      const publicKey = derive(node.key);
      const h = hash160(publicKey);
      const scripts = [concatBytes(push(publicKey), Uint8Array.of(OP_CHECKSIG)), concatBytes(Uint8Array.of(0x76, 0xa9), push(h), Uint8Array.of(0x88, OP_CHECKSIG))];
      if (publicKey.length === 33) {
        const witness = segwitOutputScript(0, h);
        scripts.push(witness, concatBytes(Uint8Array.of(0xa9), push(hash160(witness)), Uint8Array.of(0x87)));
      }
      return scripts;
    }
    case 'multi':
    case 'sortedmulti': {
      const publicKeys = node.keys.map(derive);
      if (node.type === 'sortedmulti') publicKeys.sort((a, b) => (toHex(a) < toHex(b) ? -1 : 1));
      return [concatBytes(smallNumber(node.threshold), ...publicKeys.map(push), smallNumber(publicKeys.length), Uint8Array.of(OP_CHECKMULTISIG))];
    }
    case 'sh': {
      const [inner] = nodeScripts(node.inner, index, keys);
      return [concatBytes(Uint8Array.of(0xa9), push(hash160(inner)), Uint8Array.of(0x87))];
    }
    case 'wsh': {
      const [inner] = nodeScripts(node.inner, index, keys);
      return [segwitOutputScript(0, sha256(inner))];
    }
    default:
      return [node.script];
  }
}

export class Descriptor {
  private constructor(
    readonly root: DescriptorNode,
    private readonly params: NetworkParams,
  ) {}

  /** Parses `text` (checksum optional unless `requireChecksum`); throws DescriptorError. */
  static parse(text: string, params: NetworkParams, options: { requireChecksum?: boolean } = {}): Descriptor {
    const body = splitChecksum(text, options.requireChecksum ?? false);
    return new Descriptor(parseNode(body, params, 'top'), params);
  }

  get isRange(): boolean {
    return nodeKeys(this.root).some(isRangeKey);
  }

  /** Core's IsSolvable: we know the script behind every output (not so for addr() and raw()). */
  get isSolvable(): boolean {
    return this.root.type !== 'addr' && this.root.type !== 'raw';
  }

  /** Every key expression, in the order written. */
  get keys(): KeyExpression[] {
    return nodeKeys(this.root);
  }

  /** Some key is ranged over hardened indexes (`/*h`): only the private form derives it. */
  get hasHardenedRange(): boolean {
    return nodeKeys(this.root).some(isHardenedRangeKey);
  }

  /** Core's ToNormalizedString's tree: hardened steps after private extended keys moved into their origins. */
  normalized(): Descriptor {
    return new Descriptor(mapKeys(this.root, normalizeKey), this.params);
  }

  /** Core's hasprivatekeys: at least one key is private. */
  get hasPrivateKeys(): boolean {
    return nodeKeys(this.root).some(hasPrivateKey);
  }

  /** With its checksum; `publicOnly` writes public keys (Core's ToString), otherwise private ones where known. */
  toString(publicOnly = true): string {
    return addChecksum(nodeText(this.root, this.params, publicOnly));
  }

  /** The output scripts at `index` (ignored when not ranged), with their keys. */
  expand(index = 0): { scripts: Uint8Array[]; keys: ExpandedKey[] } {
    if (!Number.isInteger(index) || index < 0 || index >= 0x80000000) throw new DescriptorError(`Derivation index ${index} is out of range`);
    const keys: ExpandedKey[] = [];
    const scripts = nodeScripts(this.root, index, keys);
    return { scripts, keys };
  }

  /**
   * The addresses at `index`. Our chain pays only P2WPKH (DESIGN.md), so only those outputs have an
   * address; a descriptor with none throws Core's "does not have a corresponding address".
   */
  addresses(index = 0): string[] {
    const addresses = this.expand(index).scripts.flatMap((script) => scriptToAddress(script, this.params.bech32Prefix) ?? []);
    if (addresses.length === 0) throw new DescriptorError('Descriptor does not have a corresponding address');
    return addresses;
  }
}

export { addChecksum, descriptorChecksum, splitChecksum } from './checksum.js';
export { DescriptorError } from './errors.js';
export { type KeyExpression, type KeyOriginInfo, type PathStep, HARDENED, extendedPublicText, extendedVersions, pathText } from './keys.js';
