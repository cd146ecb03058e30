/**
 * Core's label calls over the wallet's address book (a label per receiving key, stored as
 * `label/<address>`; getnewaddress sets it): setlabel, listlabels, getaddressesbylabel,
 * getreceivedbylabel, listreceivedbylabel. Change addresses carry no label, as in Core.
 */
import { AddressError, decodeAddress } from '../../primitives/address.js';
import { WalletError } from '../errors.js';
import type { HistoryContext } from '../history.js';
import type { WalletKey } from '../keys.js';
import { listReceived, receivedBy } from '../received.js';
import type { WalletParts } from '../parts.js';

/** Core's RPC_WALLET_INVALID_LABEL_NAME. */
const INVALID_LABEL = -11;

function labelError(message: string): WalletError {
  const err = new WalletError('wallet-error', message);
  (err as { rpcCode: number }).rpcCode = INVALID_LABEL;
  return err;
}

export function checkLabel(label: string): string {
  // Core refuses '*', which older calls used for "every label".
  if (label === '*') throw labelError("Invalid label name");
  return label;
}

function history({ ctx }: WalletParts): HistoryContext {
  return { params: ctx.params, ledger: ctx.ledger, keys: ctx.keys, tipHeight: ctx.sync.height };
}

function labelled(parts: WalletParts): WalletKey[] {
  return [...parts.ctx.keys.keys()].filter((key) => key.label !== undefined);
}

export async function setLabel(parts: WalletParts, address: string, label: string): Promise<void> {
  checkLabel(label);
  const { ctx } = parts;
  try {
    decodeAddress(address, ctx.params.bech32Prefix);
  } catch (err) {
    if (err instanceof AddressError) throw new WalletError('invalid-address-or-key', 'Invalid address');
    throw err;
  }
  const key = ctx.keys.byAddress(address.toLowerCase());
  // Our address book holds our own keys only (no "send" entries for others' addresses).
  if (!key) throw new WalletError('wallet-error', 'Address is not in this wallet: only its own addresses carry labels here');
  key.label = label;
  await ctx.store.batch().put(`label/${key.address}`, label).write();
}

/** Sorted, unique; purpose "receive" gives them all, "send" none (we keep no send entries). */
export function listLabels(parts: WalletParts, purpose: string | undefined): string[] {
  if (purpose !== undefined && purpose !== 'receive' && purpose !== 'send') throw new WalletError('invalid-parameter', "Invalid 'purpose' argument, must be a known purpose string, typically 'send', or 'receive'.");
  if (purpose === 'send') return [];
  return [...new Set(labelled(parts).map((key) => key.label!))].sort();
}

export function addressesByLabel(parts: WalletParts, label: string): Record<string, { purpose: string }> {
  checkLabel(label);
  const out: Record<string, { purpose: string }> = {};
  for (const key of labelled(parts)) if (key.label === label) out[key.address] = { purpose: 'receive' };
  if (Object.keys(out).length === 0) throw labelError(`No addresses with label ${label}`);
  return out;
}

export function receivedByLabel(parts: WalletParts, label: string, minconf: number, includeImmature: boolean): bigint {
  checkLabel(label);
  const ctx = history(parts);
  let sum = 0n;
  for (const key of labelled(parts)) if (key.label === label) sum += receivedBy(ctx, key, minconf, includeImmature);
  return sum;
}

/** Core's listreceivedbylabel: listreceivedbyaddress's rows added up per label. */
export function listReceivedByLabel(parts: WalletParts, minconf: number, includeEmpty: boolean, includeImmature: boolean): Array<{ amount: bigint; confirmations: number; label: string }> {
  const rows = new Map<string, { amount: bigint; confirmations: number; label: string }>();
  for (const entry of listReceived(history(parts), { minconf, includeEmpty, includeImmature })) {
    if (entry.amount === 0n && !includeEmpty) continue;
    const row = rows.get(entry.label) ?? { amount: 0n, confirmations: Number.MAX_SAFE_INTEGER, label: entry.label };
    row.amount += entry.amount;
    if (entry.txids.length > 0) row.confirmations = Math.min(row.confirmations, entry.confirmations);
    rows.set(entry.label, row);
  }
  return [...rows.values()].map((row) => ({ ...row, confirmations: row.confirmations === Number.MAX_SAFE_INTEGER ? 0 : row.confirmations }));
}
