/**
 * Coin selection and fee arithmetic. Sizes are estimated before signing with the largest
 * signature (72 bytes with its sighash byte), so the fee paid is never below the target rate.
 *
 * Strategy (a plain version of Core's knapsack fallback): confirmed coins first, then also our
 * own trusted unconfirmed change; within a tier, the smallest single coin that covers the whole
 * payment, else the largest coins until covered. A change output is added unless it would be
 * dust, in which case the excess goes to the fee.
 */
import { WalletError } from './errors.js';

/** outpoint 36 + empty scriptSig 1 + sequence 4, times 4, plus witness: count 1, sig 1+72, key 1+33. */
const P2WPKH_INPUT_WEIGHT = 41 * 4 + 108;
/** version 4 + input count 1 + output count 1 + locktime 4, times 4, plus the segwit marker and flag. */
const TX_OVERHEAD_WEIGHT = 10 * 4 + 2;
export const P2WPKH_SCRIPT_LENGTH = 22;
/** Core's dust threshold for a P2WPKH output at the 3 sat/vB dust relay fee: (31 + 67) * 3. */
export const P2WPKH_DUST = 294n;

export interface Candidate {
  readonly value: bigint;
  readonly depth: number;
  readonly trusted: boolean;
}

export interface Selection<C extends Candidate> {
  inputs: C[];
  /** Fee the tx pays, base units. */
  fee: bigint;
  /** Change output value, 0n for none. */
  change: bigint;
  /** The part of the fee taken from the recipients (subtractFee), 0n otherwise. */
  deducted: bigint;
}

export interface SelectionRequest<C extends Candidate> {
  coins: readonly C[];
  /** Script lengths and values of the payment outputs. */
  outputs: ReadonlyArray<{ value: bigint; scriptLength: number }>;
  /** sat per 1,000 vbytes. */
  feeRate: bigint;
  /** The recipients pay the fee (Core's subtractfeefromamount). */
  subtractFee: boolean;
}

function outputWeight(scriptLength: number): number {
  return (8 + 1 + scriptLength) * 4;
}

export function estimateVsize(inputCount: number, outputScriptLengths: readonly number[]): number {
  const weight = TX_OVERHEAD_WEIGHT + inputCount * P2WPKH_INPUT_WEIGHT + outputScriptLengths.reduce((sum, len) => sum + outputWeight(len), 0);
  return Math.ceil(weight / 4);
}

/** fee for `vsize` at `feeRate` sat/kvB, rounded up as Core's CFeeRate::GetFee. */
export function feeFor(vsize: number, feeRate: bigint): bigint {
  return (feeRate * BigInt(vsize) + 999n) / 1000n;
}

export function selectCoins<C extends Candidate>(request: SelectionRequest<C>): Selection<C> {
  const confirmed = request.coins.filter((coin) => coin.depth >= 1);
  const eligible = request.coins.filter((coin) => coin.depth >= 1 || coin.trusted);
  for (const tier of [confirmed, eligible]) {
    const found = selectFrom(tier, request);
    if (found) return found;
  }
  throw new WalletError('insufficient-funds', 'Insufficient funds');
}

function selectFrom<C extends Candidate>(coins: readonly C[], request: SelectionRequest<C>): Selection<C> | undefined {
  const sorted = [...coins].sort((a, b) => (a.value < b.value ? 1 : a.value > b.value ? -1 : 0));
  // The smallest coin that pays everything alone keeps big coins whole and the tx small.
  for (let i = sorted.length - 1; i >= 0; i--) {
    const single = settle([sorted[i]], request);
    if (single) return single;
  }
  const picked: C[] = [];
  for (const coin of sorted) {
    picked.push(coin);
    const settled = settle(picked, request);
    if (settled) return settled;
  }
  return undefined;
}

/** The fee and change of spending `inputs`, or undefined when they do not cover the payment. */
export function settle<C extends Candidate>(inputs: C[], request: SelectionRequest<C>): Selection<C> | undefined {
  const scripts = request.outputs.map((output) => output.scriptLength);
  const target = request.outputs.reduce((sum, output) => sum + output.value, 0n);
  const total = inputs.reduce((sum, coin) => sum + coin.value, 0n);
  const feeWithout = feeFor(estimateVsize(inputs.length, scripts), request.feeRate);
  const feeWith = feeFor(estimateVsize(inputs.length, [...scripts, P2WPKH_SCRIPT_LENGTH]), request.feeRate);
  if (request.subtractFee) {
    if (total < target) return undefined;
    const change = total - target;
    if (change >= P2WPKH_DUST) return { inputs: [...inputs], fee: feeWith, change, deducted: feeWith };
    // A dust remainder is not worth an output: it joins the fee, paid by us, not the recipients.
    return { inputs: [...inputs], fee: feeWithout + change, change: 0n, deducted: feeWithout };
  }
  if (total < target + feeWithout) return undefined;
  const change = total - target - feeWith;
  if (change >= P2WPKH_DUST) return { inputs: [...inputs], fee: feeWith, change, deducted: 0n };
  return { inputs: [...inputs], fee: total - target, change: 0n, deducted: 0n };
}
