/**
 * Core's gethdkeys and createwalletdescriptor. The wallet's HD keys are its seed's root (behind
 * the BIP84 receive and change descriptors) and the extended keys of descriptors imported with
 * an xprv. createwalletdescriptor writes Core's BIP84 descriptors (`wpkh(xprv/84h/coin h/0h/
 * branch/*)`) for one of them, active, as importdescriptors would.
 */
import { HDKey } from '@scure/bip32';
import { Descriptor, extendedPublicText, extendedVersions } from '../../primitives/descriptor/descriptor.js';
import { DescriptorKeys } from '../descriptor-keys.js';
import { WalletError, lockedError } from '../errors.js';
import { coinType, masterFromMnemonic } from '../hd.js';
import { addDescriptor } from './import-descriptors.js';
import { defaultRows } from './descriptors.js';
import type { WalletParts } from '../parts.js';

export interface HdKeyRow {
  xpub: string;
  has_private: boolean;
  xprv?: string;
  descriptors: Array<{ desc: string; active: boolean }>;
}

/** The seed's root xpub, kept in the `masterxpub` record the first time it is known (it shows while locked). */
async function masterXpub(parts: WalletParts): Promise<string> {
  const kept = await parts.ctx.store.get<string>('masterxpub');
  if (kept !== undefined) return kept;
  if (parts.vault.isLocked) throw lockedError();
  const master = masterFromMnemonic(parts.vault.secrets().mnemonic);
  const xpub = extendedPublicText(master, parts.ctx.params);
  master.wipePrivateData();
  await parts.ctx.store.batch().put('masterxpub', xpub).write();
  return xpub;
}

/** Each imported descriptor of the key ring with its record and private form. */
function imported(parts: WalletParts): DescriptorKeys[] {
  const ids = Object.keys(parts.ctx.keys.hd.descriptors ?? {});
  return ids.map((id) => parts.ctx.keys.source(id)).filter((keys): keys is DescriptorKeys => keys instanceof DescriptorKeys);
}

/** The xprv behind `xpub` among the wallet's secrets, or undefined. */
function privateExtended(parts: WalletParts, xpub: string, master: string): HDKey | undefined {
  const { params } = parts.ctx;
  if (xpub === master) return masterFromMnemonic(parts.vault.secrets().mnemonic);
  for (const keys of imported(parts)) {
    if (!keys.record.hdkeys.includes(xpub)) continue;
    const text = parts.vault.descriptorSecret(keys.id);
    const found = text === undefined ? undefined : Descriptor.parse(text, params).keys.find((key) => key.extended && extendedPublicText(key.extended.node, params) === xpub);
    if (found?.extended?.node.privateKey) return found.extended.node;
  }
  return undefined;
}

export async function getHdKeys(parts: WalletParts, options: { activeOnly: boolean; private: boolean }): Promise<HdKeyRow[]> {
  if (options.private && parts.vault.isLocked) throw lockedError();
  const master = await masterXpub(parts);
  const groups = new Map<string, Array<{ desc: string; active: boolean }>>();
  const add = (xpub: string, desc: string, active: boolean) => groups.set(xpub, [...(groups.get(xpub) ?? []), { desc, active }]);
  for (const row of defaultRows(parts)) add(master, row.desc, row.active);
  for (const keys of imported(parts)) for (const xpub of keys.record.hdkeys) add(xpub, keys.record.desc, keys.record.active);
  const rows: HdKeyRow[] = [];
  for (const [xpub, all] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const descriptors = all.filter((row) => row.active || !options.activeOnly).sort((a, b) => (a.desc < b.desc ? -1 : a.desc > b.desc ? 1 : 0));
    if (descriptors.length === 0) continue;
    const row: HdKeyRow = { xpub, has_private: true, descriptors };
    if (options.private) {
      const node = privateExtended(parts, xpub, master)!;
      row.xprv = privateText(node, parts);
      node.wipePrivateData(); // a copy made for this answer
    }
    rows.push(row);
  }
  return rows;
}

function privateText(node: HDKey, parts: WalletParts): string {
  const versions = extendedVersions(parts.ctx.params);
  return new HDKey({ versions, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode!, privateKey: node.privateKey! }).privateExtendedKey;
}

/** The root xpubs behind the active receive and change descriptors. */
async function activeXpubs(parts: WalletParts, master: string): Promise<Set<string>> {
  const xpubs = new Set<string>();
  for (const branch of [0, 1] as const) {
    const id = parts.ctx.keys.activeDescriptor(branch);
    const keys = id === undefined ? undefined : parts.ctx.keys.source(id);
    if (keys instanceof DescriptorKeys) keys.record.hdkeys.forEach((xpub) => xpubs.add(xpub));
    else xpubs.add(master);
  }
  return xpubs;
}

/** Core's createwalletdescriptor for "bech32" (the caller refuses the other types): the new descriptors' public forms. */
export async function createWalletDescriptor(parts: WalletParts, options: { internal?: boolean; hdkey?: string }): Promise<{ descs: string[] }> {
  if (parts.vault.isLocked) throw lockedError();
  const master = await masterXpub(parts);
  let xpub = options.hdkey;
  if (xpub === undefined) {
    const active = await activeXpubs(parts, master);
    if (active.size !== 1) throw new WalletError('wallet-error', "Unable to determine which HD key to use from active descriptors. Please specify with 'hdkey'");
    [xpub] = active;
  } else if (!isExtendedPublic(xpub, parts)) {
    throw new WalletError('invalid-address-or-key', 'Unable to parse HD key. Please provide a valid xpub');
  }
  const node = privateExtended(parts, xpub, master);
  if (!node) throw new WalletError('invalid-address-or-key', `Private key for ${xpub} is not known`);
  const existing = new Set([...defaultRows(parts).map((row) => row.desc), ...imported(parts).map((keys) => keys.record.desc)]);
  const descs: string[] = [];
  const now = Math.floor(parts.ctx.now());
  for (const internal of options.internal === undefined ? [false, true] : [options.internal]) {
    const body = `wpkh(${privateText(node, parts)}/84h/${coinType(parts.ctx.params)}h/0h/${internal ? 1 : 0}/*)`;
    const publicText = Descriptor.parse(body, parts.ctx.params).normalized().toString(true);
    if (existing.has(publicText)) continue;
    const batch = parts.ctx.store.batch();
    const desc = Descriptor.parse(body, parts.ctx.params).toString(false);
    addDescriptor(parts, { desc, active: true, internal, range: [0, parts.lookahead - 1], timestamp: now }, [], batch);
    await batch.write();
    descs.push(publicText);
  }
  node.wipePrivateData(); // a copy made for this call
  if (descs.length === 0) throw new WalletError('wallet-error', 'Descriptor already exists');
  return { descs };
}

function isExtendedPublic(text: string, parts: WalletParts): boolean {
  try {
    const node = HDKey.fromExtendedKey(text, extendedVersions(parts.ctx.params));
    return node.privateKey === null;
  } catch {
    return false;
  }
}
