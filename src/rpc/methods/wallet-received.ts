/**
 * What the wallet received and since when, and signed messages: getreceivedbyaddress,
 * listreceivedbyaddress, listaddressgroupings, listsinceblock, signmessage, verifymessage.
 */
import { checkLabel } from '../../wallet/extras/labels.js';
import { verifyMessage } from '../../wallet/message.js';
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { addressScript } from './address.js';
import { type RpcMethod, optional, required } from './types.js';
import { translateWalletError, walletCall } from './wallet-errors.js';
import { walletJson } from './wallet.js';

function address(p: Params, index: number, ctx: RpcContext): string {
  const text = p.string(index) ?? '';
  addressScript(ctx, text);
  return text;
}

function text(p: Params, index: number): string {
  const value = p.raw(index);
  if (typeof value !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
  return value;
}

async function getReceivedByAddress(p: Params, ctx: RpcContext): Promise<unknown> {
  const addr = address(p, 0, ctx);
  const minconf = p.int(1, { fallback: 1, min: 0 });
  const immature = p.bool(2, false);
  return amountJson(await walletCall(ctx, (w) => w.getReceivedByAddress(addr, minconf, immature)));
}

async function listReceivedByAddress(p: Params, ctx: RpcContext): Promise<unknown> {
  const minconf = p.int(0, { fallback: 1, min: 0 });
  const includeEmpty = p.bool(1, false);
  const filter = p.has(3) ? address(p, 3, ctx) : undefined;
  const immature = p.bool(4, false);
  return walletJson(await walletCall(ctx, (w) => w.listReceivedByAddress(minconf, includeEmpty, filter, immature)));
}

interface SincePoint {
  /** The main-chain height listing starts after; undefined: from the start. */
  height: number | undefined;
  /** The blocks from the one asked about down to where its branch left the main chain. */
  detached: string[];
}

/** Where listsinceblock starts: a block that left the chain counts from where its branch forks. */
function sincePoint(p: Params, ctx: RpcContext): SincePoint {
  if (!p.has(0) || p.raw(0) === '') return { height: undefined, detached: [] };
  const hash = p.hash(0, 'blockhash');
  let entry = ctx.chain.getEntry(hash);
  if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  const detached: string[] = [];
  while (entry && ctx.chain.getEntryAtHeight(entry.height)?.hash !== entry.hash) {
    detached.push(entry.hash);
    entry = entry.parent;
  }
  return { height: entry ? entry.height : undefined, detached };
}

/** The txids of the detached blocks, block by block; a block whose body we never had holds none we can list. */
async function detachedTxids(ctx: RpcContext, hashes: readonly string[]): Promise<string[]> {
  const txids: string[] = [];
  for (const hash of hashes) {
    const block = await ctx.chain.getBlock(hash);
    for (const tx of block?.txs ?? []) txids.push(tx.txid());
  }
  return txids;
}

async function listSinceBlock(p: Params, ctx: RpcContext): Promise<unknown> {
  const since = sincePoint(p, ctx);
  const target = p.int(1, { fallback: 1, min: 1, what: 'Invalid parameter' });
  const includeRemoved = p.bool(3, true);
  const includeChange = p.bool(4, false);
  const label = p.has(5) ? p.string(5) : undefined;
  const detached = includeRemoved ? await detachedTxids(ctx, since.detached) : undefined;
  return walletJson(await walletCall(ctx, (w) => w.listSinceBlock(since.height, target, { includeChange, label: label === undefined ? undefined : checkLabel(label), detachedTxids: detached })));
}

async function signMessage(p: Params, ctx: RpcContext): Promise<string> {
  const addr = address(p, 0, ctx);
  const message = text(p, 1);
  return walletCall(ctx, (w) => w.signMessage(addr, message));
}

function verify(p: Params, ctx: RpcContext): boolean {
  try {
    return verifyMessage(text(p, 0), text(p, 1), text(p, 2), ctx.params);
  } catch (err) {
    throw translateWalletError(err);
  }
}

export const walletReceivedMethods: RpcMethod[] = [
  { name: 'getreceivedbyaddress', group: 'wallet', args: [required('address'), optional('minconf'), optional('include_immature_coinbase')], summary: 'Total received by one of our addresses in txs with at least minconf confirmations.', run: getReceivedByAddress },
  {
    name: 'listreceivedbyaddress',
    group: 'wallet',
    args: [optional('minconf'), optional('include_empty'), optional('include_watchonly'), optional('address_filter'), optional('include_immature_coinbase')],
    summary: 'What each receiving address received, with the txids.',
    run: listReceivedByAddress,
  },
  { name: 'listaddressgroupings', group: 'wallet', args: [], summary: 'Addresses whose common ownership the chain reveals (spent together, or as change), with balances.', run: async (_p, ctx) => walletJson(await walletCall(ctx, (w) => w.listAddressGroupings())) },
  {
    name: 'listsinceblock',
    group: 'wallet',
    args: [optional('blockhash'), optional('target_confirmations'), optional('include_watchonly'), optional('include_removed'), optional('include_change'), optional('label')],
    summary: 'Wallet transactions since a block, and the block to ask from next time.',
    run: listSinceBlock,
  },
  { name: 'signmessage', group: 'wallet', args: [required('address'), required('message')], summary: "Signs a message with an address's key (BIP137 header for P2WPKH).", run: signMessage },
  { name: 'verifymessage', group: 'util', args: [required('address'), required('signature'), required('message')], summary: 'Checks a signed message (BIP137 headers) against an address.', run: async (p, ctx) => verify(p, ctx) },
];
