/** createrawtransaction and fundrawtransaction, and the funding options walletcreatefundedpsbt shares. */
import { toHex } from '../../primitives/bytes.js';
import type { Transaction } from '../../primitives/transaction.js';
import { amountJson, parseAmount } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext, RpcFundOptions } from '../interfaces.js';
import { type Params, jsonType } from '../params.js';
import { addressScript } from './address.js';
import { estimateFeeRate } from './mempool.js';
import { constructTransaction, decodeHexTx } from './rawtx-construct.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';

const KNOWN_OPTIONS = new Set(['add_inputs', 'changeAddress', 'changePosition', 'change_type', 'includeWatching', 'lockUnspents', 'fee_rate', 'feeRate', 'subtractFeeFromOutputs', 'replaceable', 'conf_target', 'estimate_mode']);

function expectType(options: Record<string, unknown>, key: string, type: string): unknown {
  const value = options[key];
  if (value === undefined || value === null) return undefined;
  if (jsonType(value) !== type) throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(value)} for field ${key} is not of expected type ${type}`);
  return value;
}

/** Core's FundTransaction options (strict: an unknown key is -3 "Unexpected key"). */
export function parseFundOptions(ctx: RpcContext, raw: unknown, defaults: { addInputs: boolean }): RpcFundOptions {
  // A bare boolean is the old includeWatching argument; this wallet has no watch-only keys.
  if (raw === true) throw invalidParameter('includeWatching is not supported: this wallet has no watch-only keys');
  const options = jsonType(raw) === 'object' ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && raw !== null && jsonType(raw) !== 'object' && jsonType(raw) !== 'bool') throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(raw)} is not of expected type object`);
  for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) throw new RpcError(RpcCode.TYPE_ERROR, `Unexpected key ${key}`);
  if (expectType(options, 'lockUnspents', 'bool') === true) throw invalidParameter('lockUnspents is not supported: this wallet has no locked coins');
  const changeType = expectType(options, 'change_type', 'string');
  // One output type exists here, so bech32 is the only change type there is.
  if (changeType !== undefined && changeType !== 'bech32') throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, `Unknown change type '${String(changeType)}'`);
  if (expectType(options, 'includeWatching', 'bool') === true) throw invalidParameter('includeWatching is not supported: this wallet has no watch-only keys');
  const changeAddress = expectType(options, 'changeAddress', 'string') as string | undefined;
  const changePosition = expectType(options, 'changePosition', 'number') as number | undefined;
  const subtract = (expectType(options, 'subtractFeeFromOutputs', 'array') as unknown[] | undefined) ?? [];
  const result: RpcFundOptions = {
    feeRate: fundFeeRate(ctx, options),
    subtractFeeFromOutputs: subtract.map((value) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not an integer as expected');
      return value;
    }),
    addInputs: (expectType(options, 'add_inputs', 'bool') as boolean | undefined) ?? defaults.addInputs,
    replaceable: (expectType(options, 'replaceable', 'bool') as boolean | undefined) ?? true,
  };
  if (changePosition !== undefined) result.changePosition = changePosition;
  if (changeAddress !== undefined) {
    try {
      result.changeScript = addressScript(ctx, changeAddress);
    } catch {
      throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Change address must be a valid address');
    }
  }
  return result;
}

/** sat/vB from fee_rate (sat/vB), feeRate (coins/kvB) or conf_target; undefined is the wallet's default. */
function fundFeeRate(ctx: RpcContext, options: Record<string, unknown>): number | undefined {
  const satPerVb = expectType(options, 'fee_rate', 'number') as number | undefined;
  const coinsPerKvb = options.feeRate;
  const target = expectType(options, 'conf_target', 'number') as number | undefined;
  if (satPerVb !== undefined && coinsPerKvb !== undefined && coinsPerKvb !== null) throw invalidParameter('Cannot specify both fee_rate (sat/vB) and feeRate (BTC/kvB)');
  if ((satPerVb !== undefined || (coinsPerKvb !== undefined && coinsPerKvb !== null)) && target !== undefined) {
    throw invalidParameter('Cannot specify both conf_target and fee_rate. Please provide either a confirmation target in blocks for automatic fee estimation, or an explicit fee rate.');
  }
  if (satPerVb !== undefined) {
    if (!Number.isFinite(satPerVb) || satPerVb <= 0 || satPerVb > 1e8) throw invalidParameter('Invalid fee_rate (must be above 0 and at most 100,000,000 sat/vB)');
    return satPerVb;
  }
  if (coinsPerKvb !== undefined && coinsPerKvb !== null) {
    const satsPerKvb = parseAmount(coinsPerKvb);
    if (satsPerKvb === 0n) throw invalidParameter('Invalid feeRate (must be above 0)');
    return Number(satsPerKvb) / 1000;
  }
  if (target !== undefined) {
    if (!Number.isInteger(target) || target < 1 || target > 1008) throw invalidParameter('Invalid conf_target, must be between 1 and 1008');
    return estimateFeeRate(ctx, target) / 1000;
  }
  return undefined;
}

/** Runs the wallet's funding and answers the funded tx with its fee and change position. */
export function fund(ctx: RpcContext, tx: Transaction, options: RpcFundOptions): Promise<{ tx: Transaction; fee: bigint; changePosition: number }> {
  return walletCall(ctx, (w) => w.fundTransaction(tx, options));
}

async function fundRawTransaction(p: Params, ctx: RpcContext): Promise<unknown> {
  const tx = decodeHexTx(p.hex(0, 'hexstring'), p.has(2) ? p.bool(2, true) : undefined);
  const options = parseFundOptions(ctx, p.raw(1), { addInputs: true });
  const funded = await fund(ctx, tx, options);
  return { hex: toHex(funded.tx.encode()), fee: amountJson(funded.fee), changepos: funded.changePosition };
}

export const rawTxFundMethods: RpcMethod[] = [
  {
    name: 'createrawtransaction',
    group: 'rawtransactions',
    args: [required('inputs'), required('outputs'), optional('locktime'), optional('replaceable')],
    summary: 'An unsigned transaction spending the given inputs to the given outputs; answers its hex.',
    run: (p, ctx) => toHex(constructTransaction(p, ctx, 0, p.bool(3, false)).encode()),
  },
  { name: 'fundrawtransaction', group: 'rawtransactions', args: [required('hexstring'), optional('options'), optional('iswitness')], summary: 'Adds wallet inputs and change to a transaction; answers hex, fee and changepos.', run: fundRawTransaction },
];
