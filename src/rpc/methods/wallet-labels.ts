/**
 * Labels, locked coins and the wallet's descriptors: setlabel, listlabels, getaddressesbylabel,
 * getreceivedbylabel, listreceivedbylabel, lockunspent, listlockunspent, listdescriptors.
 */
import { amountJson } from '../amounts.js';
import { invalidParameter, typeError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { addressScript } from './address.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';
import { walletJson } from './wallet.js';

function label(p: Params, index: number): string {
  const value = p.raw(index);
  if (typeof value !== 'string') throw typeError('JSON value is not a string as expected');
  return value;
}

function outpoints(p: Params): Array<{ txid: string; vout: number }> | undefined {
  if (!p.has(1)) return undefined;
  return p.array(1).map((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw typeError('JSON value is not an object as expected');
    const { txid, vout } = item as { txid?: unknown; vout?: unknown };
    if (typeof txid !== 'string') throw typeError('Missing txid');
    if (!/^[0-9a-fA-F]{64}$/.test(txid)) throw invalidParameter(`txid must be hexadecimal string of length 64 (not '${txid.slice(0, 80)}')`);
    if (typeof vout !== 'number') throw typeError('Missing vout');
    if (!Number.isInteger(vout) || vout < 0) throw invalidParameter('Invalid parameter, vout cannot be negative');
    return { txid: txid.toLowerCase(), vout };
  });
}

async function lockUnspent(p: Params, ctx: RpcContext): Promise<boolean> {
  const unlock = p.bool(0, false);
  if (typeof p.raw(0) !== 'boolean') throw typeError('JSON value is not a boolean as expected');
  const list = outpoints(p);
  const persistent = p.bool(2, false);
  return walletCall(ctx, (w) => w.lockUnspent(unlock, list, persistent));
}

async function setLabel(p: Params, ctx: RpcContext): Promise<null> {
  const address = p.string(0) ?? '';
  addressScript(ctx, address);
  const name = label(p, 1);
  await walletCall(ctx, (w) => w.setLabel(address, name));
  return null;
}

async function listLabels(p: Params, ctx: RpcContext): Promise<string[]> {
  const purpose = p.has(0) ? label(p, 0) : undefined;
  return walletCall(ctx, (w) => w.listLabels(purpose));
}

async function getReceivedByLabel(p: Params, ctx: RpcContext): Promise<unknown> {
  const name = label(p, 0);
  const minconf = p.int(1, { fallback: 1, min: 0 });
  const immature = p.bool(2, false);
  return amountJson(await walletCall(ctx, (w) => w.getReceivedByLabel(name, minconf, immature)));
}

async function listReceivedByLabel(p: Params, ctx: RpcContext): Promise<unknown> {
  const minconf = p.int(0, { fallback: 1, min: 0 });
  const includeEmpty = p.bool(1, false);
  const immature = p.bool(3, false);
  return walletJson(await walletCall(ctx, (w) => w.listReceivedByLabel(minconf, includeEmpty, immature)));
}

export const walletLabelMethods: RpcMethod[] = [
  { name: 'setlabel', group: 'wallet', args: [required('address'), required('label')], summary: 'Sets the label of one of our addresses.', run: setLabel },
  { name: 'listlabels', group: 'wallet', args: [optional('purpose')], summary: 'The labels of our addresses, sorted.', run: listLabels },
  { name: 'getaddressesbylabel', group: 'wallet', args: [required('label')], summary: 'Our addresses with a label, each with its purpose.', run: async (p, ctx) => walletCall(ctx, (w) => w.getAddressesByLabel(label(p, 0))) },
  { name: 'getreceivedbylabel', group: 'wallet', args: [required('label'), optional('minconf'), optional('include_immature_coinbase')], summary: 'Total received by the addresses with a label.', run: getReceivedByLabel },
  {
    name: 'listreceivedbylabel',
    group: 'wallet',
    args: [optional('minconf'), optional('include_empty'), optional('include_watchonly'), optional('include_immature_coinbase')],
    summary: 'What each label received.',
    run: listReceivedByLabel,
  },
  { name: 'lockunspent', group: 'wallet', args: [required('unlock'), optional('transactions'), optional('persistent')], summary: 'Keeps outputs out of (or lets them back into) coin selection and listunspent.', run: lockUnspent },
  { name: 'listlockunspent', group: 'wallet', args: [], summary: 'The locked outputs.', run: async (_p, ctx) => walletCall(ctx, (w) => w.listLockUnspent()) },
  { name: 'listdescriptors', group: 'wallet', args: [optional('private')], summary: "The wallet's output descriptors (its BIP84 account, receive and change; imported keys).", run: async (p, ctx) => walletCall(ctx, (w) => w.listDescriptors(p.bool(0, false))) },
];
