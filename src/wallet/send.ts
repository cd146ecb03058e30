/**
 * The wallet's send path, each run by Wallet inside its queue once the wallet has caught up with
 * the tip: send/sendmany (a signed payment into the mempool), bumpfee and psbtbumpfee (bumpfee.ts
 * plans the replacement), fundrawtransaction (fund.ts).
 */
import type { Transaction } from '../primitives/transaction.js';
import { commitBump, planBump } from './bumpfee.js';
import { withConfirmedFirst } from './candidates.js';
import { WalletError } from './errors.js';
import { type FundRequest, type FundedTransaction, fundTransaction } from './fund.js';
import type { WalletMempool } from './interfaces.js';
import type { WalletParts } from './parts.js';
import type { BumpFeeResult, SendOptions, SendResult } from './results.js';
import { buildPayment } from './spend.js';
import { addTx, firstSeen } from './sync.js';

export interface BumpOptions {
  /** The user's sat/vB. */
  feeRate?: number;
  /** sat/vB from conf_target: the least the wallet pays otherwise. */
  estimatedFeeRate?: number;
  replaceable?: boolean;
}

/** Pays `outputs` from our coins (confirmed ones first) and submits the tx to the mempool; Core's sendmany/send. */
export async function sendPayment(parts: WalletParts, outputs: ReadonlyArray<{ address: string; amount: bigint }>, options: SendOptions): Promise<SendResult> {
  const { ctx, mempool } = parts;
  if (parts.vault.isLocked) throw new WalletError('locked', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
  const request = { outputs, feeRate: parts.feeRate(options.feeRate), subtractFeeFromOutputs: options.subtractFeeFromOutputs ?? [], replaceable: options.replaceable };
  const built = withConfirmedFirst(ctx.ledger, ctx.sync.height, mempool, (coins) =>
    buildPayment(request, {
      params: ctx.params,
      coins,
      limits: { ancestors: mempool.options.ancestorLimit, descendants: mempool.options.descendantLimit },
      tipHeight: ctx.sync.height,
      changeScript: () => ctx.keys.issue(1).script,
      privateKey: (coin) => parts.privateKey(coin.key),
    }),
  );
  await mempool.acceptTransaction(built.tx);
  const batch = ctx.store.batch();
  const comment = options.comment !== undefined ? { comment: options.comment } : {};
  addTx(ctx, built.tx, { state: 'unconfirmed', ...firstSeen(ctx), ...comment }, batch);
  await batch.put('hd', ctx.keys.hd).write();
  const txid = built.tx.txid();
  ctx.logger.info({ txid, fee: built.fee.toString(), inputs: built.inputs.length, outputs: built.tx.outputs.length }, 'wallet sent a transaction');
  return { txid, tx: built.tx, fee: built.fee };
}

/** Core's bumpfee: replaces our unconfirmed send `txid` with one paying more, signed and submitted. */
export async function bumpFee(parts: WalletParts, txid: string, options: BumpOptions): Promise<BumpFeeResult> {
  if (parts.vault.isLocked) throw new WalletError('locked', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
  const bump = { sync: parts.ctx, mempool: parts.mempool };
  const plan = planBump(bump, txid, { feeRate: options.feeRate, walletFeeRate: parts.feeRate(options.estimatedFeeRate), replaceable: options.replaceable });
  const tx = await commitBump(bump, plan, (coin) => parts.privateKey(coin.key));
  return { txid: tx.txid(), origfee: plan.origfee, fee: plan.fee, errors: [] };
}

/**
 * Core's psbtbumpfee: the same replacement as bumpFee, unsigned and not committed (the wallet
 * may be locked; whoever signs and broadcasts it makes the swap).
 */
export async function planBumpFee(parts: WalletParts, txid: string, options: BumpOptions): Promise<{ tx: Transaction; origfee: bigint; fee: bigint }> {
  const { ctx } = parts;
  const plan = planBump({ sync: ctx, mempool: parts.mempool }, txid, { feeRate: options.feeRate, walletFeeRate: parts.feeRate(options.estimatedFeeRate), replaceable: options.replaceable });
  await ctx.store.batch().put('hd', ctx.keys.hd).write(); // a change key may have been handed out
  return { tx: plan.unsigned, origfee: plan.origfee, fee: plan.fee };
}

/** Core's fundrawtransaction: `request.tx` completed with our coins and change, unsigned (see fund.ts). */
export async function fundWithWallet(parts: WalletParts, request: Omit<FundRequest, 'feeRate'> & { feeRate?: number }): Promise<FundedTransaction> {
  const { ctx } = parts;
  const funded = fundTransaction({ ...request, feeRate: parts.feeRate(request.feeRate) }, { coins: ctx.ledger.unspent(ctx.sync.height), changeScript: () => ctx.keys.issue(1).script });
  await ctx.store.batch().put('hd', ctx.keys.hd).write();
  return funded;
}

/** sat/kvB: the caller's sat/vB, else the larger of the wallet's default and the mempool's floor. */
export function walletFeeRate(defaultFeeRate: number, mempool: WalletMempool, satPerVbyte?: number): bigint {
  if (satPerVbyte !== undefined) {
    if (!(satPerVbyte > 0) || !Number.isFinite(satPerVbyte)) throw new WalletError('invalid-parameter', 'Invalid fee rate');
    return BigInt(Math.round(satPerVbyte * 1000));
  }
  return BigInt(Math.max(Math.round(defaultFeeRate * 1000), mempool.minFeeRate()));
}
