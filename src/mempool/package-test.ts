/**
 * Core's testmempoolaccept of a package (several txs, children after their parents): the
 * package must be well formed (IsWellFormedPackage), then each tx is checked as if those before
 * it were in the pool (AcceptMultipleTransactions with test_accept). Each valid tx is put in the
 * pool's graph while the later ones are checked and taken out again before this returns; it runs
 * inside the mempool's queue, so no acceptance or block sees the pool in between.
 */
import { isTxRejection, type TxRejection } from './policy-codes.js';
import type { Transaction } from '../primitives/transaction.js';
import type { MutableEntry } from './entry.js';
import type { TxGraph } from './graph.js';
import { validateTransaction, type ValidationContext } from './validate.js';

/** Core's MAX_PACKAGE_COUNT and MAX_PACKAGE_WEIGHT. */
export const MAX_PACKAGE_COUNT = 25;
export const MAX_PACKAGE_WEIGHT = 404_000;

export interface PackageTxResult {
  txid: string;
  wtxid: string;
  /** Absent when validation stopped before reaching this tx (Core shows only the ids then). */
  allowed?: boolean;
  vsize?: number;
  fee?: bigint;
  rejectReason?: string;
  error?: TxRejection;
}

export interface PackageTestResult {
  /** Core's package-level reject reason (package-not-sorted, conflict-in-package, ...). */
  packageError?: string;
  results: PackageTxResult[];
}

/** Core's IsWellFormedPackage: the reason a package is refused as a whole, if any. */
export function packageError(txs: readonly Transaction[]): string | undefined {
  if (txs.length > MAX_PACKAGE_COUNT) return 'package-too-many-transactions';
  if (txs.reduce((sum, tx) => sum + tx.weight(), 0) > MAX_PACKAGE_WEIGHT) return 'package-too-large';
  const txids = txs.map((tx) => tx.txid());
  if (new Set(txids).size !== txids.length) return 'package-contains-duplicates';
  // Sorted: no tx spends an output of a tx that comes later.
  const later = new Set(txids);
  for (const tx of txs) {
    later.delete(tx.txid());
    if (tx.inputs.some((input) => later.has(input.prevout.txidHex()))) return 'package-not-sorted';
  }
  const spent = new Set<string>();
  for (const tx of txs) {
    for (const input of tx.inputs) {
      const key = input.prevout.key();
      if (spent.has(key)) return 'conflict-in-package';
      spent.add(key);
    }
  }
  return undefined;
}

export async function testPackage(
  txs: readonly Transaction[],
  ctx: ValidationContext,
  graph: TxGraph,
  makeEntry: (tx: Transaction, fee: bigint) => MutableEntry,
): Promise<PackageTestResult> {
  const ids = txs.map((tx) => ({ txid: tx.txid(), wtxid: tx.wtxid() }));
  const reason = packageError(txs);
  if (reason) return { packageError: reason, results: ids };
  const added: string[] = [];
  const results: PackageTxResult[] = [];
  try {
    for (let i = 0; i < txs.length; i++) {
      const failure = await checkOne(txs[i], ctx, graph, makeEntry, added);
      if (failure) {
        // Core stops at the first failure; a script failure comes after every tx passed its
        // other checks, so those before it are reported valid; otherwise they are unfinished.
        const earlier = failure.error?.code === 'mandatory-script-verify-flag-failed' ? results : ids.slice(0, i);
        return { results: [...earlier, { ...ids[i], ...failure }, ...ids.slice(i + 1)] };
      }
      const entry = graph.get(ids[i].txid)!;
      results.push({ ...ids[i], allowed: true, vsize: entry.vsize, fee: entry.fee });
    }
    return { results };
  } finally {
    for (const txid of added.reverse()) graph.remove(txid);
  }
}

async function checkOne(
  tx: Transaction,
  ctx: ValidationContext,
  graph: TxGraph,
  makeEntry: (tx: Transaction, fee: bigint) => MutableEntry,
  added: string[],
): Promise<Omit<PackageTxResult, 'txid' | 'wtxid'> | undefined> {
  try {
    const outcome = await validateTransaction(tx, ctx);
    if (outcome.kind === 'missing-inputs') return { allowed: false, rejectReason: 'missing-inputs' };
    graph.add(makeEntry(tx, outcome.fee), outcome.ancestors);
    added.push(tx.txid());
    return undefined;
  } catch (err) {
    if (!isTxRejection(err)) throw err;
    return { allowed: false, rejectReason: err.code, error: err };
  }
}
