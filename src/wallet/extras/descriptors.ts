/**
 * Core's listdescriptors for our one HD account: `wpkh([fingerprint/84h/1h/0h]tpub.../0/*)` for
 * receiving and `.../1/*` for change, as Core's default descriptor wallet lists them (its other
 * output types are not ours: the chain pays only P2WPKH), plus one `wpkh(key)` per imported key.
 * With `private`, xprv and WIF keys instead (an unlocked wallet only). Descriptors importdescriptors
 * added follow, and one of them active for a branch takes the seed's place there.
 */
import { HDKey } from '@scure/bip32';
import { toHex } from '../../primitives/bytes.js';
import { addChecksum, extendedVersions } from '../../primitives/descriptor/descriptor.js';
import { encodeWif } from '../wif.js';
import { accountPath, masterFromMnemonic } from '../hd.js';
import { originPath } from '../descriptor.js';
import { DescriptorKeys } from '../descriptor-keys.js';
import type { WalletParts } from '../parts.js';

export interface DescriptorRow {
  desc: string;
  timestamp: number;
  active: boolean;
  internal?: boolean;
  range?: [number, number];
  next?: number;
  next_index?: number;
}

function accountKeyText(parts: WalletParts, withPrivate: boolean): string {
  const versions = extendedVersions(parts.ctx.params);
  const account = HDKey.fromExtendedKey(parts.ctx.keys.accountXpub);
  if (!withPrivate) {
    return new HDKey({ versions, depth: account.depth, index: account.index, parentFingerprint: account.parentFingerprint, chainCode: account.chainCode!, publicKey: account.publicKey! }).publicExtendedKey;
  }
  const node = masterFromMnemonic(parts.vault.secrets().mnemonic).derive(accountPath(parts.ctx.params));
  return new HDKey({ versions, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode!, privateKey: node.privateKey! }).privateExtendedKey;
}

/** The seed's BIP84 receive and change descriptors, active unless an imported descriptor took their branch. */
export function defaultRows(parts: WalletParts, withPrivate = false): DescriptorRow[] {
  const { ctx, fingerprint } = parts;
  const origin = `[${fingerprint}/${originPath(accountPath(ctx.params))}]`;
  const key = accountKeyText(parts, withPrivate);
  // The wallet's birth block's time stands for Core's creation time.
  const birth = ctx.chain.getEntryAtHeight(ctx.sync.birthHeight)?.time ?? 0;
  return ([0, 1] as const).map((branch) => {
    const derived = ctx.keys.hdDerived(branch);
    const active = ctx.keys.activeDescriptor(branch) === undefined;
    return {
      desc: addChecksum(`wpkh(${origin}${key}/${branch}/*)`),
      timestamp: birth,
      active,
      ...(active ? { internal: branch === 1 } : {}),
      range: [0, Math.max(derived - 1, 0)] as [number, number],
      next: ctx.keys.hd.issued[branch],
      next_index: ctx.keys.hd.issued[branch],
    };
  });
}

/** Descriptors importdescriptors and createwalletdescriptor added (private form from the vault when asked). */
function importedRows(parts: WalletParts, withPrivate: boolean): DescriptorRow[] {
  const rows: DescriptorRow[] = [];
  for (const id of Object.keys(parts.ctx.keys.hd.descriptors ?? {})) {
    const keys = parts.ctx.keys.source(id);
    if (!(keys instanceof DescriptorKeys)) continue;
    const { record } = keys;
    const desc = withPrivate ? parts.vault.descriptorSecret(id) ?? record.desc : record.desc;
    const row: DescriptorRow = { desc, timestamp: record.timestamp, active: record.active };
    if (record.active) row.internal = record.internal;
    if (keys.isRange) Object.assign(row, { range: [record.range[0], keys.end], next: keys.next, next_index: keys.next });
    rows.push(row);
  }
  return rows;
}

export function listDescriptors(parts: WalletParts, withPrivate: boolean): { wallet_name: string; descriptors: DescriptorRow[] } {
  const { ctx } = parts;
  const birth = ctx.chain.getEntryAtHeight(ctx.sync.birthHeight)?.time ?? 0;
  const rows = [...defaultRows(parts, withPrivate), ...importedRows(parts, withPrivate)];
  for (const imported of ctx.keys.keys()) {
    if (imported.kind !== 'imported') continue;
    const text = withPrivate ? encodeWif(parts.privateKey(imported), ctx.params) : toHex(imported.publicKey);
    rows.push({ desc: addChecksum(`wpkh(${text})`), timestamp: birth, active: false });
  }
  // Core sorts by the descriptor string.
  rows.sort((a, b) => (a.desc < b.desc ? -1 : a.desc > b.desc ? 1 : 0));
  return { wallet_name: parts.name, descriptors: rows };
}
