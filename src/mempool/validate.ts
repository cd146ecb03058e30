/**
 * MemPoolAccept's checks, in Core's order: context-free, policy, finality, pool conflicts, then
 * inputs (chain UTXO set or pool outputs), values, fee rate, package limits, and last the
 * expensive signatures. Nothing here changes the pool, so testAccept runs exactly this.
 */
import { isFinalTx } from '../consensus/block-context.js';
import { RuleError } from '../consensus/errors.js';
import { checkOutputScripts } from '../consensus/script.js';
import { checkTransaction } from '../consensus/tx-checks.js';
import { checkTxInputValues } from '../consensus/tx-inputs.js';
import type { NetworkParams } from '../params/types.js';
import type { Coin } from '../primitives/coin.js';
import { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import type { MempoolEntry, MutableEntry } from './entry.js';
import type { TxGraph } from './graph.js';
import type { ChainView, PassedScripts, SignatureCacheView, SignatureCheckVerifier } from './interfaces.js';
import type { MempoolOptions } from './options.js';
import { checkFeeRate, checkPackageLimits, checkStandard } from './policy.js';
import { mempoolRuleError, policyError } from './policy-codes.js';
import { checkNotSpendingConflicts, checkReplacement, directConflicts } from './rbf.js';
import { checkScripts } from './scripts.js';

/** Core's MEMPOOL_HEIGHT: the height given to coins created by pool txs (never a coinbase, so never immature). */
export const MEMPOOL_HEIGHT = 0x7fffffff;

export interface ValidationContext {
  readonly graph: TxGraph;
  readonly chain: ChainView;
  readonly params: NetworkParams;
  readonly options: MempoolOptions;
  readonly verifier: SignatureCheckVerifier;
  readonly sigCache: SignatureCacheView;
  readonly scriptCache?: PassedScripts;
  /** The pool's current floor in sat/kvB (rolling minimum, raised by evictions). */
  readonly mempoolMinFeeRate: number;
  /** Txids mined lately: a missing input of one of these is spent, not merely unknown. */
  readonly recentlyConfirmed: { has(txid: string): boolean };
  /** Re-adding a disconnected block's txs: fee floors are skipped, as Core's bypass_limits does. */
  readonly bypassFees: boolean;
  /**
   * Re-checking the pool's own txs after a reorg: the package limits are not applied. The txs put
   * back in front of them may lengthen their chains past the limits; Core keeps them all the same
   * (it links them to the re-added parents without a limit), and dropping them would lose payments
   * that every node has just relayed, with no node left to offer them again.
   */
  readonly bypassPackageLimits?: boolean;
  /** The prioritisetransaction delta of a txid (fee checks and RBF use fee + delta, as Core). */
  readonly feeDelta?: (txid: string) => bigint;
}

export type Validation =
  /** `replaced`: pool txs (direct conflicts and their descendants) the tx evicts by RBF. */
  | { kind: 'valid'; fee: bigint; ancestors: Set<MutableEntry>; replaced: MempoolEntry[] }
  | { kind: 'missing-inputs'; missing: string[] };

/** Runs every check; throws RuleError on the first failure, or reports the parents it lacks. */
export async function validateTransaction(tx: Transaction, ctx: ValidationContext): Promise<Validation> {
  checkBeforeInputs(tx, ctx);
  const conflicts = directConflicts(tx, ctx.graph, ctx.options.fullRbf);
  const lookup = await lookupCoins(tx, ctx);
  if (lookup.missing.length > 0) {
    await checkNotAlreadyMined(tx, ctx.chain);
    checkParentsUnknown(tx, lookup.coins, ctx);
    return { kind: 'missing-inputs', missing: lookup.missing };
  }
  const coins = lookup.coins as Coin[];
  const fee = checkInputValues(tx, coins, ctx);
  const modifiedFee = fee + (ctx.feeDelta?.(tx.txid()) ?? 0n);
  if (!ctx.bypassFees) checkFeeRate(modifiedFee, tx.vsize(), ctx.mempoolMinFeeRate, ctx.options);
  const ancestors = ctx.graph.ancestorsFrom(ctx.graph.parentsOf(tx));
  if (!ctx.bypassPackageLimits) checkPackageLimits(tx.vsize(), ancestors, replacementLimits(conflicts, ctx.options));
  checkNotSpendingConflicts(tx.txid(), ancestors, conflicts);
  const replaced = conflicts.length > 0 ? checkReplacement(tx, modifiedFee, conflicts, ctx.graph, ctx.options.incrementalRelayFeeRate) : [];
  await checkScripts(tx, coins, ctx.verifier, ctx.sigCache);
  // Every input passed the block's own script rules (checkScripts runs exactly those): a block
  // holding this very tx (same wtxid) need not run them again. Only now, after all passed.
  ctx.scriptCache?.add(tx.wtxid());
  return { kind: 'valid', fee, ancestors, replaced };
}

/** The cheap checks that need no lookup, so junk costs no database reads or signature checks. */
export function checkBeforeInputs(tx: Transaction, ctx: ValidationContext): void {
  checkTransaction(tx, ctx.params);
  // A coinbase is only valid as the first tx of its block.
  if (tx.isCoinbase()) throw mempoolRuleError('coinbase', 'coinbase transactions are only valid in a block');
  // On powcoin's networks an output that is neither P2WPKH nor OP_RETURN makes any block invalid:
  // that is consensus (reject), not the policy verdict 'scriptpubkey' Bitcoin would give.
  if (ctx.params.p2wpkhOnly) checkOutputScripts(tx);
  checkStandard(tx, ctx.options);
  checkFinalAtNextBlock(tx, ctx.chain);
  checkNotInPool(tx, ctx.graph);
}

/**
 * Core's maybe_rbf_limits: a replacement of exactly one tx may count that tx and its descendants
 * as gone when checking the descendant limits (they will be), so a tx at the limit can be bumped.
 */
function replacementLimits(conflicts: readonly MempoolEntry[], options: MempoolOptions): MempoolOptions {
  if (conflicts.length !== 1) return options;
  const [conflict] = conflicts;
  return { ...options, descendantLimit: options.descendantLimit + 1, descendantSizeLimit: options.descendantSizeLimit + conflict.descendant.vsize };
}

/**
 * The same tx, or Core's txn-same-nonwitness-data-in-mempool: the same txid with other witnesses
 * (stripped or altered on the way). The pool keeps the copy it has; neither answer blames the
 * sender, who may have relayed the copy it was given (Core's TX_CONFLICT).
 */
export function checkNotInPool(tx: Transaction, graph: TxGraph): void {
  const held = graph.get(tx.txid());
  if (!held) return;
  if (held.wtxid === tx.wtxid()) throw policyError('txn-already-in-mempool', tx.txid());
  throw policyError('txn-same-nonwitness-data-in-mempool', `${tx.txid()} is in the pool with wtxid ${held.wtxid}`);
}

/**
 * Consensus value rules; a coinbase spent too early is valid a few blocks later, so, as Core's
 * TX_PREMATURE_SPEND, it is refused without blaming whoever relayed it.
 */
function checkInputValues(tx: Transaction, coins: readonly Coin[], ctx: ValidationContext): bigint {
  try {
    return checkTxInputValues(tx, coins, ctx.chain.height + 1, ctx.params);
  } catch (err) {
    if (err instanceof RuleError && err.code === 'bad-txns-premature-spend-of-coinbase') {
      throw new RuleError(err.code, err.detail, { action: 'ignore' });
    }
    throw err;
  }
}

/** Core's CheckFinalTxAtTip: could this tx go into the next block (its height, the tip's MTP)? */
export function checkFinalAtNextBlock(tx: Transaction, chain: ChainView): void {
  if (!isFinalTx(tx, chain.height + 1, chain.medianTimePast())) throw policyError('non-final', `locktime ${tx.locktime}`);
}

interface CoinLookup {
  coins: (Coin | undefined)[];
  /** Txids of the parents no coin was found for. */
  missing: string[];
}

/** Each input's coin, from the pool's outputs first (chains of unconfirmed txs), else the chain's UTXO set. */
async function lookupCoins(tx: Transaction, ctx: ValidationContext): Promise<CoinLookup> {
  const coins = await Promise.all(tx.inputs.map((input) => lookupCoin(input.prevout, ctx)));
  const missing = new Set<string>();
  coins.forEach((coin, i) => {
    if (!coin) missing.add(tx.inputs[i].prevout.txidHex());
  });
  return { coins, missing: [...missing] };
}

function lookupCoin(outpoint: OutPoint, ctx: ValidationContext): Promise<Coin | undefined> | Coin | undefined {
  if (ctx.graph.has(outpoint.txidHex())) {
    const output = ctx.graph.output(outpoint);
    return output && { value: output.value, script: output.script, height: MEMPOOL_HEIGHT, coinbase: false };
  }
  return ctx.chain.getCoin(outpoint);
}

/**
 * An input with no coin whose parent is in the pool or was mined lately can never be found: the
 * output is spent or does not exist. Core's bad-txns-inputs-missingorspent; not punished, since
 * the sender may simply not have seen the block yet.
 */
function checkParentsUnknown(tx: Transaction, coins: readonly (Coin | undefined)[], ctx: ValidationContext): void {
  coins.forEach((coin, i) => {
    const prevout = tx.inputs[i].prevout;
    const parent = prevout.txidHex();
    if (!coin && (ctx.graph.has(parent) || ctx.recentlyConfirmed.has(parent))) {
      throw new RuleError('bad-txns-inputs-missingorspent', `input ${i} (${prevout.key()}) is spent or does not exist`, { action: 'ignore' });
    }
  });
}

/**
 * Core's txn-already-known: inputs missing because this very tx is already mined (some of its
 * outputs are unspent in the chain) is not an orphan worth holding.
 */
async function checkNotAlreadyMined(tx: Transaction, chain: ChainView): Promise<void> {
  const txid = tx.txidBytes();
  for (let index = 0; index < tx.outputs.length; index++) {
    if (await chain.getCoin(new OutPoint(txid, index))) throw policyError('txn-already-known', tx.txid());
  }
}
