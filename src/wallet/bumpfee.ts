/**
 * Core's feebumper (wallet/feebumper.cpp) for `bumpfee` and `psbtbumpfee`: a replacement of one
 * of our unconfirmed sends that keeps its inputs and payments, pays a higher fee rate out of the
 * change (adding confirmed coins when the change cannot cover it), and signals BIP125 again.
 * The mempool's RBF rules decide; the checks here are Core's, so the user hears why first.
 */
import type { OutPoint } from '../primitives/outpoint.js';
import { signTransaction } from '../consensus/p2wpkh.js';
import { Transaction, type TxOutput } from '../primitives/transaction.js';
import type { WalletCoin, WalletTx } from './coins.js';
import { WalletError, isWalletError } from './errors.js';
import type { WalletMempool } from './interfaces.js';
import type { KeyRing } from './keys.js';
import { P2WPKH_SCRIPT_LENGTH, estimateVsize, feeFor, selectCoins } from './selection.js';
import { type SyncContext, addTx, firstSeen } from './sync.js';

/** Core's WALLET_INCREMENTAL_RELAY_FEE (5 sat/vB): the wallet bumps by at least this much. */
export const WALLET_INCREMENTAL_RELAY_FEE = 5_000n;
export const SEQUENCE_RBF = 0xfffffffd;
export const SEQUENCE_FINAL_LOCKTIME = 0xfffffffe;

export interface BumpOptions {
  /** sat/vB chosen by the user (Core's fee_rate); checked against the mempool and the old fee. */
  feeRate?: number;
  /** sat/kvB the wallet would pay for a new tx now (conf_target's estimate, or its default). */
  walletFeeRate: bigint;
  /** Signal BIP125 in the replacement (Core's `replaceable`, default true). */
  replaceable?: boolean;
}

export interface BumpPlan {
  original: WalletTx;
  unsigned: Transaction;
  /** The coins the replacement spends, in input order. */
  inputs: WalletCoin[];
  origfee: bigint;
  fee: bigint;
}

export interface BumpContext {
  sync: SyncContext;
  mempool: WalletMempool;
}

/** Core's PreconditionChecks, in its order and with its messages. */
function checkPreconditions(ctx: BumpContext, wtx: WalletTx): void {
  const { ledger } = ctx.sync;
  if (ledger.descendantsOf(wtx.txid).length > 0) throw new WalletError('invalid-parameter', 'Transaction has descendants in the wallet');
  if (ctx.mempool.descendantsOf(wtx.txid).length > 0) throw new WalletError('invalid-parameter', 'Transaction has descendants in the mempool');
  if (ledger.depth(wtx, ctx.sync.sync.height) !== 0 || wtx.record.state === 'conflicted') {
    throw new WalletError('wallet-error', 'Transaction has been mined, or is conflicted with a mined transaction');
  }
  if (wtx.record.replacedBy !== undefined) {
    throw new WalletError('wallet-error', `Cannot bump transaction ${wtx.txid} which was already bumped by transaction ${wtx.record.replacedBy}`);
  }
  if (!ledger.allInputsMine(wtx.tx)) throw new WalletError('wallet-error', "Transaction contains inputs that don't belong to this wallet");
}

/** Plans the replacement of wallet tx `txid`; nothing is signed or changed. */
export function planBump(ctx: BumpContext, txid: string, options: BumpOptions): BumpPlan {
  const { ledger, keys } = ctx.sync;
  const tip = ctx.sync.sync.height;
  const wtx = ledger.get(txid);
  if (!wtx) throw new WalletError('invalid-address-or-key', 'Invalid or non-wallet transaction id');
  checkPreconditions(ctx, wtx);
  const inputs = wtx.tx.inputs.map(({ prevout }) => originalInput(ctx, prevout, tip));
  const origfee = inputs.reduce((sum, coin) => sum + coin.value, 0n) - wtx.tx.outputs.reduce((sum, output) => sum + output.value, 0n);
  const changeIndex = wtx.tx.outputs.findIndex((output) => isChange(keys, output));
  const payments = wtx.tx.outputs.filter((_, i) => i !== changeIndex);
  const feeRate = bumpFeeRate(ctx, wtx, origfee, options);
  let selection;
  try {
    selection = selectCoins({
      coins: ledger.unspent(tip),
      preset: inputs,
      outputs: payments.map((output) => ({ value: output.value, scriptLength: output.script.length })),
      feeRate,
      subtractFee: false,
      confirmedOnly: true, // Core's m_min_depth = 1: a replacement may add no unconfirmed input (rule 2)
    });
  } catch (err) {
    if (isWalletError(err, 'insufficient-funds')) throw new WalletError('wallet-error', `Unable to create transaction. ${err.message}`);
    throw err;
  }
  const outputs: TxOutput[] = payments.map((output) => ({ ...output }));
  if (selection.change > 0n) {
    const script = changeIndex >= 0 ? wtx.tx.outputs[changeIndex].script : keys.issue(1).script;
    outputs.splice(changeIndex >= 0 ? changeIndex : outputs.length, 0, { value: selection.change, script });
  }
  const sequence = options.replaceable === false ? SEQUENCE_FINAL_LOCKTIME : SEQUENCE_RBF;
  const unsigned = new Transaction({
    version: wtx.tx.version,
    inputs: selection.inputs.map((coin) => ({ prevout: coin.outpoint, scriptSig: new Uint8Array(0), sequence, witness: [] })),
    outputs,
    locktime: wtx.tx.locktime,
  });
  return { original: wtx, unsigned, inputs: selection.inputs, origfee, fee: selection.fee };
}

/**
 * Core's CheckFeeRate for a user rate (above the pool's floor, and enough over the old fee to
 * pay the incremental relay fee on the whole tx), or Core's EstimateFeeRate otherwise: the old
 * rate plus 1 sat/kvB plus the larger incremental fee, at least the wallet's own rate.
 */
function bumpFeeRate(ctx: BumpContext, wtx: WalletTx, origfee: bigint, options: BumpOptions): bigint {
  const incremental = maxBig(BigInt(ctx.mempool.options.incrementalRelayFeeRate), WALLET_INCREMENTAL_RELAY_FEE);
  if (options.feeRate === undefined) {
    const oldRate = (origfee * 1000n) / BigInt(wtx.tx.vsize());
    return maxBig(oldRate + 1n + incremental, options.walletFeeRate);
  }
  const rate = BigInt(Math.round(options.feeRate * 1000));
  const floor = BigInt(ctx.mempool.minFeeRate());
  if (rate < floor) {
    throw new WalletError('wallet-error', `New fee rate (${satPerVbyte(rate)}) is lower than the minimum fee rate (${satPerVbyte(floor)}) to get into the mempool -- `);
  }
  const maxTxSize = estimateVsize(wtx.tx.inputs.length, wtx.tx.outputs.map((output) => output.script.length));
  const newTotal = feeFor(maxTxSize, rate);
  const incrementalFee = feeFor(maxTxSize, incremental);
  const minTotal = origfee + incrementalFee;
  if (newTotal < minTotal) {
    throw new WalletError('invalid-parameter', `Insufficient total fee ${coins(newTotal)}, must be at least ${coins(minTotal)} (oldFee ${coins(origfee)} + incrementalFee ${coins(incrementalFee)})`);
  }
  return rate;
}

/** One input of the original as a coin to spend again (it is spent by the original, so not in unspent()). */
function originalInput(ctx: BumpContext, prevout: OutPoint, tip: number): WalletCoin {
  const { ledger } = ctx.sync;
  const parent = ledger.get(prevout.txidHex())!;
  const key = ledger.ownerOf(parent.txid, prevout.index)!;
  const depth = ledger.depth(parent, tip);
  return { outpoint: prevout, txid: parent.txid, vout: prevout.index, value: parent.tx.outputs[prevout.index].value, key, depth, coinbase: parent.tx.isCoinbase(), trusted: true, wtx: parent };
}

/** Core's OutputIsChange: paid to one of our internal (change branch) keys. */
function isChange(keys: KeyRing, output: TxOutput): boolean {
  if (output.script.length !== P2WPKH_SCRIPT_LENGTH) return false;
  const key = keys.byScript(output.script);
  return key?.kind === 'hd' && key.branch === 1;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Core's CFeeRate::ToString(SAT_VB): "%d.%03d sat/vB". */
function satPerVbyte(ratePerKvB: bigint): string {
  return `${ratePerKvB / 1000n}.${String(ratePerKvB % 1000n).padStart(3, '0')} sat/vB`;
}

/** Core's FormatMoney. */
function coins(amount: bigint): string {
  const whole = amount / 100_000_000n;
  const frac = String(amount % 100_000_000n).padStart(8, '0');
  return `${whole}.${frac}`;
}

/** Signs the planned replacement, hands it to the mempool, and records both sides of the swap. */
export async function commitBump(ctx: BumpContext, plan: BumpPlan, privateKey: (coin: WalletCoin) => Uint8Array): Promise<Transaction> {
  const keys = plan.inputs.map((coin) => privateKey(coin));
  let tx: Transaction;
  try {
    tx = signTransaction(plan.unsigned, plan.inputs.map((coin, i) => ({ privateKey: keys[i], value: coin.value, publicKey: coin.key.publicKey })));
  } finally {
    for (const key of keys) key.fill(0);
  }
  await ctx.mempool.acceptTransaction(tx);
  const txid = tx.txid();
  const batch = ctx.sync.store.batch();
  addTx(ctx.sync, tx, { state: 'unconfirmed', ...firstSeen(ctx.sync), replaces: plan.original.txid }, batch);
  ctx.sync.ledger.setRecord(plan.original, { ...plan.original.record, replacedBy: txid });
  batch.putTx(plan.original.txid, plan.original.record);
  await batch.put('hd', ctx.sync.keys.hd).write();
  ctx.sync.logger.info({ txid, replaces: plan.original.txid, origfee: plan.origfee.toString(), fee: plan.fee.toString() }, 'wallet bumped a fee');
  return tx;
}
