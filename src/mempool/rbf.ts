/**
 * Replace-by-fee, as Bitcoin Core 28's MemPoolAccept::ReplacementChecks (policy/rbf.cpp) with
 * full-RBF on by default: a tx spending an input already spent in the pool may evict the pool
 * txs it conflicts with (and their descendants) when it is better for miners and pays for the
 * bandwidth it uses again. One function per rule, in Core's order; each throws Core's reason.
 */
import { RuleError } from '../consensus/errors.js';
import type { Transaction } from '../primitives/transaction.js';
import type { MempoolEntry, MutableEntry } from './entry.js';
import type { TxGraph } from './graph.js';
import { feeFor } from './policy.js';
import { mempoolRuleError, policyError } from './policy-codes.js';

/** Core's MAX_REPLACEMENT_CANDIDATES (rule 5). */
export const MAX_REPLACEMENT_CANDIDATES = 100;
/** Core's MAX_BIP125_RBF_SEQUENCE: an input sequence at or below it signals replaceability. */
export const MAX_BIP125_RBF_SEQUENCE = 0xfffffffd;

/** BIP125 opt-in: some input's sequence is at most 0xfffffffd (Core's SignalsOptInRBF). */
export function signalsOptInRbf(tx: Transaction): boolean {
  return tx.inputs.some((input) => input.sequence <= MAX_BIP125_RBF_SEQUENCE);
}

/**
 * The pool txs spending any of `tx`'s inputs (Core's m_conflicts). With full-RBF off, a conflict
 * that does not signal BIP125 itself refuses the newcomer as before (first seen wins); an
 * ancestor's signal does not count, as in Core.
 */
export function directConflicts(tx: Transaction, graph: TxGraph, fullRbf: boolean): MutableEntry[] {
  const found = new Map<string, MutableEntry>();
  tx.inputs.forEach((input, i) => {
    const spender = graph.spentBy(input.prevout);
    if (spender === undefined || found.has(spender)) return;
    const entry = graph.get(spender)!;
    if (!fullRbf && !signalsOptInRbf(entry.tx)) {
      throw policyError('txn-mempool-conflict', `input ${i} (${input.prevout.key()}) is already spent by ${spender}`);
    }
    found.set(spender, entry);
  });
  return [...found.values()];
}

/** Core's EntriesAndTxidsDisjoint: a replacement cannot spend an output of what it replaces. */
export function checkNotSpendingConflicts(txid: string, ancestors: Iterable<MempoolEntry>, conflicts: readonly MempoolEntry[]): void {
  const doomed = new Set(conflicts.map((entry) => entry.txid));
  for (const ancestor of ancestors) {
    if (doomed.has(ancestor.txid)) {
      throw mempoolRuleError('bad-txns-spends-conflicting-tx', `${txid} spends conflicting transaction ${ancestor.txid}`);
    }
  }
}

/** Core's CFeeRate: sat per 1,000 vbytes, truncated, as the comparisons in Core use it. */
function ratePerKvB(fee: bigint, vsize: number): bigint {
  return vsize > 0 ? (fee * 1000n) / BigInt(vsize) : 0n;
}

function formatRate(rate: bigint): string {
  return `${(Number(rate) / 1e8).toFixed(8)} BTC/kvB`;
}

function formatMoney(amount: bigint): string {
  return (Number(amount) / 1e8).toFixed(8);
}

/** Rule 6 (Core's PaysMoreThanConflicts): a higher fee rate than every tx it directly replaces. */
export function checkPaysMoreThanConflicts(txid: string, fee: bigint, vsize: number, conflicts: readonly MempoolEntry[]): void {
  const replacement = ratePerKvB(fee, vsize);
  for (const conflict of conflicts) {
    const original = ratePerKvB(conflict.modifiedFee, conflict.vsize);
    if (replacement <= original) {
      throw policyError('insufficient fee', `rejecting replacement ${txid}; new feerate ${formatRate(replacement)} <= old feerate ${formatRate(original)}`);
    }
  }
}

/**
 * Rule 5 (Core's GetEntriesForConflicts): at most 100 txs evicted, the direct conflicts'
 * descendants counted (overlaps counted twice, as Core's cheap upper bound does). Returns every
 * entry that would leave, direct conflicts and their descendants.
 */
export function entriesToReplace(txid: string, conflicts: readonly MempoolEntry[], graph: TxGraph): MempoolEntry[] {
  let count = 0;
  for (const conflict of conflicts) {
    count += conflict.descendant.count;
    if (count > MAX_REPLACEMENT_CANDIDATES) {
      throw policyError('too many potential replacements', `rejecting replacement ${txid}; too many potential replacements (${count} > ${MAX_REPLACEMENT_CANDIDATES})`);
    }
  }
  const all = new Map<string, MempoolEntry>();
  for (const conflict of conflicts) {
    all.set(conflict.txid, conflict);
    for (const descendant of graph.descendantsOf(conflict.txid)) all.set(descendant.txid, descendant);
  }
  return [...all.values()];
}

/**
 * Rule 2 (Core's HasNoNewUnconfirmed): every unconfirmed input must already be an input's parent
 * of a replaced tx; otherwise a replacement could pull in a low-fee parent that makes it worse
 * to mine than it looks.
 */
export function checkNoNewUnconfirmed(tx: Transaction, conflicts: readonly MempoolEntry[], graph: TxGraph): void {
  const parentsOfConflicts = new Set<string>();
  for (const conflict of conflicts) for (const input of conflict.tx.inputs) parentsOfConflicts.add(input.prevout.txidHex());
  tx.inputs.forEach((input, i) => {
    const parent = input.prevout.txidHex();
    if (!parentsOfConflicts.has(parent) && graph.has(parent)) {
      throw policyError('replacement-adds-unconfirmed', `replacement ${tx.txid()} adds unconfirmed input, idx ${i}`);
    }
  });
}

/**
 * Rules 3 and 4 (Core's PaysForRBF): at least the fees of everything replaced, and on top of
 * that its own relay at the incremental relay fee, so a replacement cycle cannot flood the
 * network for free.
 */
export function checkPaysForRbf(txid: string, fee: bigint, vsize: number, replaced: readonly MempoolEntry[], incrementalRelayFeeRate: number): void {
  const originalFees = replaced.reduce((sum, entry) => sum + entry.modifiedFee, 0n);
  if (fee < originalFees) {
    throw policyError('insufficient fee', `rejecting replacement ${txid}, less fees than conflicting txs; ${formatMoney(fee)} < ${formatMoney(originalFees)}`);
  }
  const additional = fee - originalFees;
  const relayFee = feeFor(incrementalRelayFeeRate, vsize);
  if (additional < relayFee) {
    throw policyError('insufficient fee', `rejecting replacement ${txid}, not enough additional fees to relay; ${formatMoney(additional)} < ${formatMoney(relayFee)}`);
  }
}

/** Every replacement rule, in Core's order; returns the entries the replacement evicts. */
export function checkReplacement(tx: Transaction, fee: bigint, conflicts: readonly MempoolEntry[], graph: TxGraph, incrementalRelayFeeRate: number): MempoolEntry[] {
  const txid = tx.txid();
  const vsize = tx.vsize();
  checkPaysMoreThanConflicts(txid, fee, vsize, conflicts);
  const replaced = entriesToReplace(txid, conflicts, graph);
  checkNoNewUnconfirmed(tx, conflicts, graph);
  checkPaysForRbf(txid, fee, vsize, replaced, incrementalRelayFeeRate);
  return replaced;
}
