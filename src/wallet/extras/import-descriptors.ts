/**
 * Core's importdescriptors for this wallet. Our chain pays P2WPKH only (DESIGN.md) and every
 * wallet holds private keys, so what it takes is wpkh() with a private key: a WIF key, or an
 * xprv/tprv with an optional path, ranged (`/*`) or not. Watch-only descriptors (xpub, hex keys,
 * addr(), raw()) are refused with Core's message for a wallet with private keys; other script
 * kinds holding a private key (pkh, sh, wsh, combo, multi) are refused as outputs our chain does
 * not pay; hardened ranges (`/*h`) too, since the wallet derives addresses from public data while
 * locked. Each request succeeds or fails alone; one rescan from the earliest timestamp follows.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../../primitives/bytes.js';
import { Descriptor, DescriptorError, extendedPublicText } from '../../primitives/descriptor/descriptor.js';
import { DescriptorKeys } from '../descriptor-keys.js';
import { WalletError, lockedError } from '../errors.js';
import type { KeyBranch } from '../hd.js';
import { type DescriptorRecord, type WalletBatch } from '../store.js';
import { rescan } from '../sync.js';
import type { WalletParts } from '../parts.js';

/** Core's TIMESTAMP_WINDOW: a block's time may be this far behind the real time of its txs. */
const TIMESTAMP_WINDOW = 2 * 60 * 60;

/** One request, its JSON types already checked by the RPC layer. */
export interface DescriptorImport {
  desc: string;
  active: boolean;
  internal: boolean;
  range?: [number, number];
  nextIndex?: number;
  /** Seconds since the epoch, or "now": the time of the wallet's last block. */
  timestamp: number | 'now';
  label?: string;
}

/** Core's per-request result: `warnings` only when there are some, `error` only on failure. */
export interface ImportOutcome {
  success: boolean;
  warnings?: string[];
  error?: { code: number; message: string };
}

export function descriptorId(publicText: string): string {
  return toHex(sha256(new TextEncoder().encode(publicText)));
}

export async function importDescriptors(parts: WalletParts, requests: readonly DescriptorImport[]): Promise<ImportOutcome[]> {
  if (parts.vault.isLocked) throw lockedError();
  const outcomes: ImportOutcome[] = [];
  let earliest: number | undefined;
  const now = parts.ctx.chain.getEntryAtHeight(parts.ctx.sync.height)?.time ?? Math.floor(parts.ctx.now());
  for (const given of requests) {
    const warnings: string[] = [];
    const request = { ...given, timestamp: given.timestamp === 'now' ? now : given.timestamp };
    try {
      const batch = parts.ctx.store.batch();
      addDescriptor(parts, request, warnings, batch);
      await batch.write();
      outcomes.push(outcome(true, warnings));
      earliest = Math.min(earliest ?? request.timestamp, request.timestamp);
    } catch (err) {
      if (!(err instanceof WalletError)) throw err;
      outcomes.push(outcome(false, warnings, { code: err.rpcCode, message: err.message }));
    }
  }
  if (earliest !== undefined) await rescanFrom(parts, earliest);
  return outcomes;
}

function outcome(success: boolean, warnings: string[], error?: ImportOutcome['error']): ImportOutcome {
  return { success, ...(warnings.length > 0 ? { warnings } : {}), ...(error ? { error } : {}) };
}

/** Core's ProcessDescriptorImport checks, in Core's order, then the descriptor joins the key ring. */
export function addDescriptor(parts: WalletParts, request: DescriptorImport & { timestamp: number }, warnings: string[], batch: WalletBatch): string {
  const descriptor = parse(request.desc, parts);
  const { range, next } = checkRange(descriptor, request, parts.lookahead, warnings);
  if (request.active && !descriptor.isRange) throw new WalletError('invalid-parameter', 'Active descriptors must be ranged');
  if (descriptor.isRange && request.label !== undefined) throw new WalletError('invalid-parameter', 'Ranged descriptors should not have a label');
  if (request.internal && request.label !== undefined) throw new WalletError('invalid-parameter', 'Internal addresses should not have a label');
  if (request.active && descriptor.root.type === 'combo') throw new WalletError('wallet-error', 'Combo descriptors cannot be set to active');
  expandable(descriptor);
  if (!descriptor.hasPrivateKeys) throw new WalletError('wallet-error', 'Cannot import descriptor without private keys to a wallet with private keys enabled');
  if (descriptor.root.type !== 'wpkh') throw new WalletError('wallet-error', `Only wpkh() descriptors can be imported: our chain pays P2WPKH outputs only, not ${descriptor.root.type}()`);
  if (descriptor.hasHardenedRange) throw new WalletError('wallet-error', 'Hardened ranges (/*h) cannot be imported: this wallet derives its addresses from public keys, also while locked');
  const publicText = descriptor.normalized().toString(true);
  const id = descriptorId(publicText);
  const record: DescriptorRecord = {
    desc: publicText,
    timestamp: request.timestamp,
    range,
    active: request.active,
    internal: request.internal,
    ...(request.label !== undefined ? { label: request.label } : {}),
    hdkeys: descriptor.keys.flatMap((key) => (key.extended ? [extendedPublicText(key.extended.node, parts.ctx.params)] : [])),
  };
  const keys = attach(parts, id, record, next);
  setActive(parts, id, record, batch);
  if (record.label !== undefined) {
    const key = keys.keyAt(0)!;
    key.label = record.label;
    batch.put(`label/${key.address}`, record.label);
  }
  batch.put(`descriptor/${id}`, keys.record).put('secret', parts.vault.addDescriptor(id, descriptor.toString(false))).put('hd', parts.ctx.keys.hd);
  return publicText;
}

function parse(text: string, parts: WalletParts): Descriptor {
  try {
    return Descriptor.parse(text, parts.ctx.params, { requireChecksum: true });
  } catch (err) {
    if (err instanceof DescriptorError) throw new WalletError('invalid-address-or-key', err.message);
    throw err;
  }
}

/** Core's range rules: none for a single key; a ranged one defaults to the keypool's size. */
function checkRange(descriptor: Descriptor, request: DescriptorImport, keypool: number, warnings: string[]): { range: [number, number]; next: number } {
  if (!descriptor.isRange) {
    if (request.range) throw new WalletError('invalid-parameter', 'Range should not be specified for an un-ranged descriptor');
    return { range: [0, 0], next: 0 };
  }
  const range = request.range ?? [0, keypool - 1];
  if (!request.range) warnings.push('Range not given, using default keypool range');
  const next = request.nextIndex ?? range[0];
  if (next < range[0] || next > range[1]) throw new WalletError('invalid-parameter', 'next_index is out of range');
  return { range, next };
}

function expandable(descriptor: Descriptor): void {
  try {
    descriptor.expand(0);
  } catch (err) {
    if (err instanceof DescriptorError) throw new WalletError('wallet-error', 'Cannot expand descriptor. Probably because of hardened derivations without private keys provided');
    throw err;
  }
}

/** The descriptor's keys in the ring; importing one already there widens its range. */
function attach(parts: WalletParts, id: string, record: DescriptorRecord, next: number): DescriptorKeys {
  const { keys: ring } = parts.ctx;
  const existing = ring.source(id);
  if (existing instanceof DescriptorKeys) {
    const old = existing.record;
    existing.widen({ ...record, timestamp: Math.min(old.timestamp, record.timestamp), range: [Math.min(old.range[0], record.range[0]), Math.max(old.range[1], record.range[1])] }, next);
    return existing;
  }
  const keys = DescriptorKeys.attach(ring, ring.hd, id, { ...record, active: false }, parts.ctx.params, parts.lookahead);
  keys.widen(record, next);
  return keys;
}

/**
 * An active descriptor hands out its branch's keys in place of the one active before (whose
 * record says so from now on); deactivating the active one gives the branch back to the seed's.
 */
function setActive(parts: WalletParts, id: string, record: DescriptorRecord, batch: WalletBatch): void {
  const ring = parts.ctx.keys;
  const branch: KeyBranch = record.internal ? 1 : 0;
  const current = ring.activeDescriptor(branch);
  if (record.active) {
    if (current !== undefined && current !== id) {
      const previous = ring.source(current);
      if (previous instanceof DescriptorKeys) {
        previous.record = { ...previous.record, active: false };
        batch.put(`descriptor/${current}`, previous.record);
      }
    }
    ring.setActive(branch, id);
  } else if (current === id) {
    ring.setActive(branch, undefined);
  }
}

/** Core's RescanFromTime: from the first block whose time is within TIMESTAMP_WINDOW of `timestamp`. */
async function rescanFrom(parts: WalletParts, timestamp: number): Promise<void> {
  const { ctx } = parts;
  for (let height = 0; height <= ctx.sync.height; height++) {
    const entry = ctx.chain.getEntryAtHeight(height);
    if (entry && entry.time >= timestamp - TIMESTAMP_WINDOW) {
      await rescan(ctx, height, ctx.sync.height);
      return;
    }
  }
}
