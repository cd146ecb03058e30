/** Fee bumping and giving up on a tx: Core's bumpfee, psbtbumpfee and abandontransaction. */
import { Psbt } from '../../primitives/psbt.js';
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { estimateFeeRate } from './mempool.js';
import { updateFromWallet } from './psbt.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';
import { walletJson } from './wallet.js';

const BUMP_OPTIONS = new Set(['conf_target', 'fee_rate', 'replaceable', 'estimate_mode', 'outputs', 'original_change_index']);

/** Core's bumpfee options object: fee_rate (sat/vB) or conf_target, and replaceable. */
export function bumpOptions(p: Params, ctx: RpcContext, index: number): { feeRate?: number; estimatedFeeRate?: number; replaceable?: boolean } {
  const options = p.object(index, {});
  for (const key of Object.keys(options)) if (!BUMP_OPTIONS.has(key)) throw new RpcError(RpcCode.TYPE_ERROR, `Unexpected key ${key}`);
  const has = (key: string) => options[key] !== undefined && options[key] !== null;
  if (has('outputs') || has('original_change_index')) throw invalidParameter('outputs and original_change_index are not supported by this wallet');
  if (has('conf_target') && has('fee_rate')) {
    throw invalidParameter('Cannot specify both conf_target and fee_rate. Please provide either a confirmation target in blocks for automatic fee estimation, or an explicit fee rate.');
  }
  const out: { feeRate?: number; estimatedFeeRate?: number; replaceable?: boolean } = {};
  if (has('fee_rate')) {
    const rate = options.fee_rate;
    if (typeof rate !== 'number' && typeof rate !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'Amount is not a number or string');
    const value = Number(rate);
    if (!Number.isFinite(value) || value <= 0 || value > 1e8) throw new RpcError(RpcCode.TYPE_ERROR, 'Invalid amount');
    out.feeRate = value;
  }
  if (has('conf_target')) {
    const target = options.conf_target;
    if (typeof target !== 'number' || !Number.isInteger(target) || target < 1 || target > 1008) throw invalidParameter('Invalid conf_target, must be between 1 and 1008');
    out.estimatedFeeRate = estimateFeeRate(ctx, target) / 1000;
  }
  if (has('replaceable')) {
    if (typeof options.replaceable !== 'boolean') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value of type ' + typeof options.replaceable + ' is not of expected type bool');
    out.replaceable = options.replaceable;
  }
  return out;
}

async function bumpFee(p: Params, ctx: RpcContext): Promise<unknown> {
  const txid = p.hash(0, 'txid');
  const options = bumpOptions(p, ctx, 1);
  return walletJson(await walletCall(ctx, (w) => w.bumpFee(txid, options)));
}

/** Core's psbtbumpfee: the bumpfee replacement as an unsigned PSBT with what the wallet knows of it. */
async function psbtBumpFee(p: Params, ctx: RpcContext): Promise<unknown> {
  const txid = p.hash(0, 'txid');
  const options = bumpOptions(p, ctx, 1);
  return walletCall(ctx, async (w) => {
    const plan = await w.planBumpFee(txid, options);
    const psbt = Psbt.fromTransaction(plan.tx);
    await updateFromWallet(w, psbt, true);
    return { psbt: psbt.toBase64(), origfee: amountJson(plan.origfee), fee: amountJson(plan.fee), errors: [] };
  });
}

async function abandonTransaction(p: Params, ctx: RpcContext): Promise<null> {
  const txid = p.hash(0, 'txid');
  await walletCall(ctx, (w) => w.abandonTransaction(txid));
  return null;
}

export const walletBumpMethods: RpcMethod[] = [
  { name: 'bumpfee', group: 'wallet', args: [required('txid'), optional('options')], summary: 'Replaces an unconfirmed wallet send with one paying a higher fee (BIP125); answers {txid, origfee, fee, errors}.', run: bumpFee },
  { name: 'psbtbumpfee', group: 'wallet', args: [required('txid'), optional('options')], summary: 'The bumpfee replacement as an unsigned PSBT; answers {psbt, origfee, fee, errors}.', run: psbtBumpFee },
  { name: 'abandontransaction', group: 'wallet', args: [required('txid')], summary: 'Gives up on a wallet transaction that is neither confirmed nor in the mempool, so its inputs can be spent again.', run: abandonTransaction },
];
