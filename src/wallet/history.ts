/**
 * listtransactions and gettransaction in Core's shapes (ListTransactions, WalletTxToJSON,
 * CachedTxGetAmounts). Amounts are bigint base units; the RPC layer writes them as coins.
 */
import type { NetworkParams } from '../params/types.js';
import { scriptToAddress } from '../primitives/address.js';
import { toHex } from '../primitives/bytes.js';
import type { Ledger, WalletTx } from './coins.js';
import type { KeyRing } from './keys.js';

export type TxCategory = 'send' | 'receive' | 'generate' | 'immature' | 'orphan';

/** The fields WalletTxToJSON adds to every entry. */
export interface TxCommon {
  confirmations: number;
  generated?: boolean;
  trusted?: boolean;
  blockhash?: string;
  blockheight?: number;
  blockindex?: number;
  blocktime?: number;
  txid: string;
  wtxid: string;
  walletconflicts: string[];
  time: number;
  timereceived: number;
  'bip125-replaceable': Bip125State;
  comment?: string;
  replaced_by_txid?: string;
  replaces_txid?: string;
}

/** Core's RBFTransactionState as gettransaction writes it. */
export type Bip125State = 'yes' | 'no' | 'unknown';

export interface TxDetail {
  address?: string;
  category: TxCategory;
  amount: bigint;
  label?: string;
  vout: number;
  fee?: bigint;
  abandoned?: boolean;
}

export type TxListEntry = TxDetail & TxCommon;

export interface TransactionResult extends TxCommon {
  amount: bigint;
  fee?: bigint;
  details: TxDetail[];
  hex: string;
}

export interface HistoryContext {
  params: NetworkParams;
  ledger: Ledger;
  keys: KeyRing;
  tipHeight: number;
  /** Core's IsRBFOptIn for an unconfirmed tx (the tx or an in-pool ancestor signals); 'no' when absent. */
  rbf?: (wtx: WalletTx) => Bip125State;
}

/** One wallet tx's entries: sends first, then receives (Core's ListTransactions). */
export function txDetails(ctx: HistoryContext, wtx: WalletTx, includeChange = false): TxDetail[] {
  const { ledger, keys, params, tipHeight } = ctx;
  const debit = ledger.debit(wtx.tx);
  const valueOut = wtx.tx.outputs.reduce((sum, output) => sum + output.value, 0n);
  const fee = debit > 0n ? debit - valueOut : 0n;
  const sent: TxDetail[] = [];
  const received: TxDetail[] = [];
  const depth = ledger.depth(wtx, tipHeight);
  wtx.tx.outputs.forEach((output, vout) => {
    const key = keys.byScript(output.script);
    // In a tx we wrote, our outputs to change keys are neither sent nor received.
    if (debit > 0n && key?.kind === 'hd' && key.branch === 1 && !includeChange) return;
    const address = scriptToAddress(output.script, params.bech32Prefix);
    const label = key?.label !== undefined ? { label: key.label } : {};
    if (debit > 0n) sent.push({ ...(address ? { address } : {}), category: 'send', amount: -output.value, ...label, vout, fee: -fee, abandoned: wtx.record.state === 'abandoned' });
    if (key && depth >= 0) received.push({ address: key.address, category: receiveCategory(ctx, wtx, depth), amount: output.value, ...label, vout });
  });
  return [...sent, ...received];
}

function receiveCategory(ctx: HistoryContext, wtx: WalletTx, depth: number): TxCategory {
  if (!wtx.tx.isCoinbase()) return 'receive';
  if (depth < 1) return 'orphan';
  return ctx.ledger.isImmatureCoinbase(wtx, ctx.tipHeight) ? 'immature' : 'generate';
}

export function txCommon(ctx: HistoryContext, wtx: WalletTx): TxCommon {
  const { record } = wtx;
  const common: TxCommon = { confirmations: ctx.ledger.depth(wtx, ctx.tipHeight) } as TxCommon;
  if (wtx.tx.isCoinbase()) common.generated = true;
  if (record.state === 'confirmed') {
    Object.assign(common, { blockhash: record.blockHash, blockheight: record.height, blockindex: record.blockIndex, blocktime: record.blockTime });
  } else {
    common.trusted = ctx.ledger.isTrusted(wtx, ctx.tipHeight);
  }
  Object.assign(common, {
    txid: wtx.txid,
    wtxid: wtx.tx.wtxid(),
    walletconflicts: ctx.ledger.rivalsOf(wtx.tx, wtx.txid).map((rival) => rival.txid),
    time: record.time,
    timereceived: record.timeReceived,
    // Core asks only for unconfirmed txs; a confirmed one is never replaceable.
    'bip125-replaceable': common.confirmations <= 0 && ctx.rbf ? ctx.rbf(wtx) : 'no',
  });
  if (record.comment !== undefined) common.comment = record.comment;
  if (record.replacedBy !== undefined) common.replaced_by_txid = record.replacedBy;
  if (record.replaces !== undefined) common.replaces_txid = record.replaces;
  return common;
}

/** Core's listtransactions "*": the newest `count` entries after skipping `skip`, oldest first. */
export function listTransactions(ctx: HistoryContext, count: number, skip: number): TxListEntry[] {
  const newestFirst: TxListEntry[] = [];
  const ordered = [...ctx.ledger.txs.values()].sort((a, b) => b.record.order - a.record.order);
  for (const wtx of ordered) {
    const common = txCommon(ctx, wtx);
    for (const detail of txDetails(ctx, wtx)) newestFirst.push({ ...detail, ...common });
    if (newestFirst.length >= count + skip) break;
  }
  return newestFirst.slice(skip, skip + count).reverse();
}

/** Core's gettransaction: amount net of the fee, the fee (negative) for our sends, details, hex. */
export function getTransaction(ctx: HistoryContext, wtx: WalletTx): TransactionResult {
  const { ledger } = ctx;
  const credit = ledger.isImmatureCoinbase(wtx, ctx.tipHeight) ? 0n : ledger.credit(wtx.tx);
  const debit = ledger.debit(wtx.tx);
  const valueOut = wtx.tx.outputs.reduce((sum, output) => sum + output.value, 0n);
  const fee = debit > 0n ? valueOut - debit : 0n;
  const result = { amount: credit - debit - fee } as TransactionResult;
  if (debit > 0n) result.fee = fee;
  return { ...result, ...txCommon(ctx, wtx), details: txDetails(ctx, wtx), hex: toHex(wtx.tx.encode()) };
}
