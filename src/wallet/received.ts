/**
 * What the wallet received, per address, and what changed since a block: Core's
 * getreceivedbyaddress, listreceivedbyaddress, listaddressgroupings and listsinceblock
 * (wallet/rpc/coins.cpp, receive.cpp, transactions.cpp). Amounts are bigint base units.
 */
import type { WalletTx } from './coins.js';
import { type HistoryContext, type TxListEntry, txCommon, txDetails } from './history.js';
import type { WalletKey } from './keys.js';

export interface ReceivedEntry {
  address: string;
  amount: bigint;
  /** The fewest confirmations among the txs counted (Core's nConf). */
  confirmations: number;
  label: string;
  txids: string[];
}

/** Core's filter: a coinbase counts once in the main chain, and only mature unless asked. */
function counted(ctx: HistoryContext, wtx: WalletTx, minconf: number, includeImmature: boolean): boolean {
  const depth = ctx.ledger.depth(wtx, ctx.tipHeight);
  if (depth < minconf) return false;
  if (wtx.tx.isCoinbase() && (depth < 1 || (!includeImmature && ctx.ledger.isImmatureCoinbase(wtx, ctx.tipHeight)))) return false;
  return wtx.record.state === 'confirmed' || wtx.record.state === 'unconfirmed';
}

export function receivedBy(ctx: HistoryContext, key: WalletKey, minconf: number, includeImmature: boolean): bigint {
  let amount = 0n;
  for (const wtx of ctx.ledger.txs.values()) {
    if (!counted(ctx, wtx, minconf, includeImmature)) continue;
    for (const output of wtx.tx.outputs) if (ctx.keys.byScript(output.script) === key) amount += output.value;
  }
  return amount;
}

/**
 * Receiving addresses (handed out, imported, or paid) with what they received; change
 * addresses are left out, as Core leaves out addresses not in its address book.
 */
export function listReceived(ctx: HistoryContext, options: { minconf: number; includeEmpty: boolean; only?: WalletKey; includeImmature: boolean }): ReceivedEntry[] {
  const rows = new Map<WalletKey, ReceivedEntry>();
  const row = (key: WalletKey) => {
    let entry = rows.get(key);
    if (!entry) rows.set(key, (entry = { address: key.address, amount: 0n, confirmations: Number.MAX_SAFE_INTEGER, label: key.label ?? '', txids: [] }));
    return entry;
  };
  const receiving = (key: WalletKey | undefined): key is WalletKey => key !== undefined && !(key.kind === 'hd' && key.branch === 1) && (!options.only || key === options.only);
  if (options.includeEmpty) {
    for (const key of ctx.keys.keys()) {
      const handedOut = key.kind === 'imported' || (key.branch === 0 && key.index! < ctx.keys.hd.issued[0]);
      if (handedOut && receiving(key)) row(key);
    }
  }
  const ordered = [...ctx.ledger.txs.values()].sort((a, b) => a.record.order - b.record.order);
  for (const wtx of ordered) {
    if (!counted(ctx, wtx, options.minconf, options.includeImmature)) continue;
    const depth = ctx.ledger.depth(wtx, ctx.tipHeight);
    for (const output of wtx.tx.outputs) {
      const key = ctx.keys.byScript(output.script);
      if (!receiving(key)) continue;
      const entry = row(key);
      entry.amount += output.value;
      entry.confirmations = Math.min(entry.confirmations, depth);
      if (!entry.txids.includes(wtx.txid)) entry.txids.push(wtx.txid);
    }
  }
  return [...rows.values()].map((entry) => ({ ...entry, confirmations: entry.confirmations === Number.MAX_SAFE_INTEGER ? 0 : entry.confirmations }));
}

/**
 * Core's listaddressgroupings: addresses spent together as inputs of one tx (and that tx's
 * change) are one owner's, as an observer of the chain would link them; each group lists its
 * addresses with their spendable balance.
 */
export function addressGroupings(ctx: HistoryContext): Array<Array<[string, bigint] | [string, bigint, string]>> {
  const parent = new Map<WalletKey, WalletKey>();
  const find = (key: WalletKey): WalletKey => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(key, root);
    return root;
  };
  const add = (key: WalletKey) => {
    if (!parent.has(key)) parent.set(key, key);
  };
  const union = (a: WalletKey, b: WalletKey) => parent.set(find(a), find(b));
  for (const wtx of ctx.ledger.txs.values()) {
    const inputs = wtx.tx.isCoinbase() ? [] : wtx.tx.inputs.map(({ prevout }) => ctx.ledger.ownerOf(prevout.txidHex(), prevout.index)).filter((k): k is WalletKey => k !== undefined);
    for (const key of inputs) add(key);
    for (let i = 1; i < inputs.length; i++) union(inputs[0], inputs[i]);
    for (const output of wtx.tx.outputs) {
      const key = ctx.keys.byScript(output.script);
      if (!key) continue;
      add(key);
      if (inputs.length > 0 && key.kind === 'hd' && key.branch === 1) union(inputs[0], key);
    }
  }
  const balance = new Map<WalletKey, bigint>();
  for (const coin of ctx.ledger.unspent(ctx.tipHeight)) {
    if (coin.depth < (coin.trusted ? 0 : 1)) continue;
    balance.set(coin.key, (balance.get(coin.key) ?? 0n) + coin.value);
  }
  const groups = new Map<WalletKey, Array<[string, bigint] | [string, bigint, string]>>();
  for (const key of parent.keys()) {
    const root = find(key);
    const row: [string, bigint] | [string, bigint, string] = key.label !== undefined ? [key.address, balance.get(key) ?? 0n, key.label] : [key.address, balance.get(key) ?? 0n];
    groups.set(root, [...(groups.get(root) ?? []), row]);
  }
  return [...groups.values()];
}

export interface SinceBlockResult {
  transactions: TxListEntry[];
  /** Present when asked for (Core's include_removed, on by default). */
  removed?: TxListEntry[];
  lastblock: string;
}

export interface SinceBlockOptions {
  includeChange?: boolean;
  /** Core's filter_label: only received entries of addresses with this label, no sends. */
  label?: string;
  /**
   * Txids of the blocks from the block asked about down to where its branch left the chain, in
   * that order (Core lists the wallet's txs of those blocks as `removed`); undefined: no `removed`.
   */
  detachedTxids?: readonly string[];
}

function entriesOf(ctx: HistoryContext, wtx: WalletTx, options: SinceBlockOptions): TxListEntry[] {
  const common = txCommon(ctx, wtx);
  const details = txDetails(ctx, wtx, options.includeChange);
  const kept = options.label === undefined ? details : details.filter((detail) => detail.category !== 'send' && detail.label === options.label);
  return kept.map((detail) => ({ ...detail, ...common }));
}

/**
 * Core's listsinceblock: entries of every tx with fewer confirmations than a tx in the block
 * after `sinceHeight` would have (all of them without a block), and `lastblock`, the block
 * `targetConfirmations - 1` below the tip, to pass next time. Txs of blocks that left the chain
 * are unconfirmed again here (the wallet moves them back), so they come with the transactions;
 * `removed` lists them again, at whatever depth they now have (Core: a tx mined again on the new
 * branch shows there with its positive confirmations).
 */
export function listSinceBlock(ctx: HistoryContext, sinceHeight: number | undefined, lastblock: string, options: SinceBlockOptions = {}): SinceBlockResult {
  const depthLimit = sinceHeight === undefined ? Number.POSITIVE_INFINITY : ctx.tipHeight + 1 - sinceHeight;
  const transactions: TxListEntry[] = [];
  const ordered = [...ctx.ledger.txs.values()].sort((a, b) => a.record.order - b.record.order);
  for (const wtx of ordered) {
    const depth = ctx.ledger.depth(wtx, ctx.tipHeight);
    if (!(depth === -1 || Math.abs(depth) < depthLimit)) continue;
    transactions.push(...entriesOf(ctx, wtx, options));
  }
  if (options.detachedTxids === undefined) return { transactions, lastblock };
  const removed: TxListEntry[] = [];
  for (const txid of options.detachedTxids) {
    const wtx = ctx.ledger.txs.get(txid);
    if (wtx) removed.push(...entriesOf(ctx, wtx, options));
  }
  return { transactions, removed, lastblock };
}
