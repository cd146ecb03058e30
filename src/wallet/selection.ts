/**
 * Coin selection as Bitcoin Core's (wallet/spend.cpp SelectCoins and ChooseSelectionResult):
 * - preset inputs (bumpfee's original inputs) are always spent;
 * - coins are tried in tiers, Core's eligibility filters: confirmed first, then our own trusted
 *   unconfirmed change whose in-pool family is small (≤ 2, ≤ 4, ≤ half the limit, one below
 *   the limit), so a send never builds a chain the mempool would refuse and prefers short ones;
 * - within a tier, branch-and-bound (changeless), knapsack and single random draw each propose
 *   an input set; the one with the least waste wins (ties: more inputs, as Core).
 * A send fails with insufficient funds only when no tier can pay.
 */
import { WalletError } from './errors.js';
import { CHANGE_LOWER, type Pool, branchAndBound, knapsack, singleRandomDraw } from './selection/algorithms.js';
import { P2WPKH_DUST, P2WPKH_INPUT_VSIZE, P2WPKH_OUTPUT_VSIZE, P2WPKH_SCRIPT_LENGTH, estimateVsize, feeFor } from './selection/sizes.js';

export { P2WPKH_DUST, P2WPKH_SCRIPT_LENGTH, estimateVsize, feeFor } from './selection/sizes.js';

/** Core's DEFAULT_CONSOLIDATE_FEERATE (10 sat/vB): below it, spending more inputs now is cheaper than later. */
const LONG_TERM_FEE_RATE = 10_000n;
/** Core's DEFAULT_DISCARD_FEE (10 sat/vB): the rate a change output is assumed to be spent at. */
const DISCARD_FEE_RATE = 10_000n;
/** Core's CHANGE_UPPER for the random change target. */
const CHANGE_UPPER = 1_000_000n;

export interface Candidate {
  readonly value: bigint;
  readonly depth: number;
  readonly trusted: boolean;
  /** Unconfirmed: the coin's tx and its in-pool ancestors (Core's ancestor count); 0 or absent when confirmed. */
  readonly ancestors?: number;
  /** Unconfirmed: the largest descendant count among the coin's tx and its in-pool ancestors. */
  readonly descendants?: number;
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
  /** Spent whatever else is chosen (bumpfee keeps the original inputs). */
  preset?: readonly C[];
  /** Script lengths and values of the payment outputs. */
  outputs: ReadonlyArray<{ value: bigint; scriptLength: number }>;
  /** sat per 1,000 vbytes. */
  feeRate: bigint;
  /** The recipients pay the fee (Core's subtractfeefromamount). */
  subtractFee: boolean;
  /** Only confirmed coins may be added (bumpfee: a replacement may not add unconfirmed inputs). */
  confirmedOnly?: boolean;
  /** The mempool's ancestor and descendant count limits (25 each by default). */
  limits?: { ancestors: number; descendants: number };
  /** [0, 1) random numbers; injectable so tests can repeat a draw. */
  random?: () => number;
}

type Tier = { unconfirmed: boolean; maxAncestors: number; maxDescendants: number };

/** Core's filters after the confirmed ones: (0,1,2), (0,1,min(4,limit/3)), (0,1,limit/2), (0,1,limit-1). */
function tiers(limits: { ancestors: number; descendants: number }, confirmedOnly: boolean): Tier[] {
  const out: Tier[] = [{ unconfirmed: false, maxAncestors: 0, maxDescendants: 0 }];
  if (confirmedOnly) return out;
  const steps: Array<[number, number]> = [
    [2, 2],
    [Math.min(4, Math.floor(limits.ancestors / 3)), Math.min(4, Math.floor(limits.descendants / 3))],
    [Math.floor(limits.ancestors / 2), Math.floor(limits.descendants / 2)],
    [limits.ancestors - 1, limits.descendants - 1],
  ];
  for (const [maxAncestors, maxDescendants] of steps) out.push({ unconfirmed: true, maxAncestors, maxDescendants });
  return out;
}

function eligible(coin: Candidate, tier: Tier): boolean {
  if (coin.depth >= 1) return true;
  return tier.unconfirmed && coin.trusted && (coin.ancestors ?? 1) <= tier.maxAncestors && (coin.descendants ?? 1) <= tier.maxDescendants;
}

export function selectCoins<C extends Candidate>(request: SelectionRequest<C>): Selection<C> {
  const preset = request.preset ?? [];
  const presetSelection = preset.length > 0 ? settle([...preset], request) : undefined;
  if (presetSelection) return presetSelection;
  const limits = request.limits ?? { ancestors: 25, descendants: 25 };
  const presetSet = new Set<C>(preset);
  const spendable = request.coins.filter((coin) => !presetSet.has(coin));
  let previousCount = -1;
  for (const tier of tiers(limits, request.confirmedOnly ?? false)) {
    const coins = spendable.filter((coin) => eligible(coin, tier));
    if (coins.length === previousCount) continue; // the same coins as the last tier: the same answer
    previousCount = coins.length;
    const found = selectFrom(coins, preset, request, limits);
    if (found) return found;
  }
  const couldPay = settle([...preset, ...spendable.filter((coin) => coin.depth >= 1 || coin.trusted)], request);
  if (couldPay && !request.confirmedOnly) {
    throw new WalletError('insufficient-funds', 'Unconfirmed UTXOs are available, but spending them creates a chain of transactions that will be rejected by the mempool');
  }
  throw new WalletError('insufficient-funds', 'Insufficient funds');
}

/** Runs the three algorithms over one tier's coins and keeps the least wasteful valid result. */
function selectFrom<C extends Candidate>(coins: readonly C[], preset: readonly C[], request: SelectionRequest<C>, limits: { ancestors: number; descendants: number }): Selection<C> | undefined {
  const random = request.random ?? Math.random;
  const inputFee = feeFor(P2WPKH_INPUT_VSIZE, request.feeRate);
  const longTermInputFee = feeFor(P2WPKH_INPUT_VSIZE, LONG_TERM_FEE_RATE);
  const amount = (coin: Candidate) => (request.subtractFee ? coin.value : coin.value - inputFee);
  const usable = coins.filter((coin) => amount(coin) > 0n);
  if (usable.length === 0) return undefined;
  const pool: Pool = { effective: usable.map(amount), inputWaste: usable.map(() => inputFee - longTermInputFee) };
  const scripts = request.outputs.map((output) => output.scriptLength);
  const payment = request.outputs.reduce((sum, output) => sum + output.value, 0n);
  const notInputFees = request.subtractFee ? 0n : feeFor(estimateVsize(0, scripts), request.feeRate);
  const target = payment + notInputFees - preset.reduce((sum, coin) => sum + amount(coin), 0n);
  const changeFee = feeFor(P2WPKH_OUTPUT_VSIZE, request.feeRate);
  const costOfChange = changeFee + feeFor(P2WPKH_INPUT_VSIZE, DISCARD_FEE_RATE);
  const minChange = changeTarget(payment / BigInt(Math.max(1, request.outputs.length)), changeFee, random);

  const proposals: number[][] = [];
  if (!request.subtractFee) proposals.push(branchAndBound(pool, target, costOfChange) ?? []);
  proposals.push(knapsack(pool, target, minChange, random) ?? []);
  proposals.push(singleRandomDraw(pool, target + changeFee, random) ?? []);

  let best: { selection: Selection<C>; waste: bigint } | undefined;
  for (const picked of proposals) {
    if (picked.length === 0) continue;
    const inputs = [...preset, ...picked.map((i) => usable[i])];
    if (!withinPackageLimits(inputs, limits)) continue;
    const selection = settle(inputs, request);
    if (!selection) continue;
    const excess = picked.reduce((sum, i) => sum + pool.effective[i], 0n) - target;
    const waste = picked.reduce((sum, i) => sum + pool.inputWaste[i], 0n) + (selection.change > 0n ? costOfChange : excess);
    if (!best || waste < best.waste || (waste === best.waste && inputs.length > best.selection.inputs.length)) best = { selection, waste };
  }
  return best?.selection ?? limitAwareFallback(usable, preset, request, limits);
}

/**
 * When every proposal would join too many unconfirmed families, the largest coins first, each
 * taken only while the joint ancestry stays within the limit: if any one coin can pay, this
 * finds a payment.
 */
function limitAwareFallback<C extends Candidate>(coins: readonly C[], preset: readonly C[], request: SelectionRequest<C>, limits: { ancestors: number; descendants: number }): Selection<C> | undefined {
  const inputs = [...preset];
  for (const coin of [...coins].sort((a, b) => (a.value > b.value ? -1 : a.value < b.value ? 1 : 0))) {
    if (!withinPackageLimits([...inputs, coin], limits)) continue;
    inputs.push(coin);
    const selection = settle(inputs, request);
    if (selection) return selection;
  }
  return undefined;
}

/**
 * A new tx adds one descendant to each of its ancestors, and its ancestors are the union of its
 * unconfirmed inputs' families (the sum bounds that union from above).
 */
function withinPackageLimits(inputs: readonly Candidate[], limits: { ancestors: number; descendants: number }): boolean {
  let ancestors = 1;
  for (const coin of inputs) {
    if (coin.depth >= 1) continue;
    ancestors += coin.ancestors ?? 1;
    if ((coin.descendants ?? 1) + 1 > limits.descendants) return false;
  }
  return ancestors <= limits.ancestors;
}

/** Core's GenerateChangeTarget: a random change size near the payment's, so change is not told by its size. */
function changeTarget(payment: bigint, changeFee: bigint, random: () => number): bigint {
  if (payment <= CHANGE_LOWER / 2n) return changeFee + CHANGE_LOWER;
  const upper = payment * 2n < CHANGE_UPPER ? payment * 2n : CHANGE_UPPER;
  const span = upper > CHANGE_LOWER ? upper - CHANGE_LOWER : 0n;
  return changeFee + CHANGE_LOWER + BigInt(Math.floor(random() * Number(span)));
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
