/**
 * Core 28's submitpackage acceptance (AcceptPackage) of a child-with-unconfirmed-parents
 * package: each tx is first tried alone (a tx already in the pool is reported as such); those
 * refused only for paying too little (Core's TX_RECONSIDERABLE) are then judged together, at
 * the package's fee rate (their modified fees over their vsizes), so a child can pay for a
 * parent below the pool's floor (CPFP). Any other refusal fails the package; txs accepted alone
 * before it stay, as in Core. Runs inside the mempool's queue.
 */
import type { Transaction } from '../primitives/transaction.js';
import type { MempoolEntry, MutableEntry } from './entry.js';
import { isTxRejection, type TxRejection } from './policy-codes.js';

/** Core's MempoolAcceptResult kinds, per tx. */
export type PackageTxKind = 'valid' | 'mempool-entry' | 'different-witness' | 'invalid' | 'unevaluated';

export interface PackageTxOutcome {
  txid: string;
  wtxid: string;
  kind: PackageTxKind;
  vsize?: number;
  /** Base fee, sats. */
  fee?: bigint;
  /** Valid txs: the fee rate they were accepted at (sat/kvB) and the wtxids it was computed over. */
  effectiveFeeRate?: bigint;
  effectiveIncludes?: string[];
  /** The wtxid of the pool's tx with this txid (different-witness). */
  otherWtxid?: string;
  error?: string;
}

export interface PackageAcceptResult {
  /** "success", or why the package failed ("transaction failed"). */
  message: string;
  results: PackageTxOutcome[];
  /** Txids RBF evicted for the package's txs. */
  replaced: string[];
}

/** What the mempool lends the package logic. */
export interface PackageAcceptHooks {
  get(txid: string): MempoolEntry | undefined;
  /** Full acceptance of one tx (fee floors included), announced. */
  acceptAlone(tx: Transaction): Promise<{ kind: 'added'; entry: MempoolEntry; replaced: readonly MempoolEntry[] } | { kind: 'missing-inputs' }>;
  /** Every check but the fee floors and RBF, the entry put in the graph unannounced. */
  addWithoutFloor(tx: Transaction): Promise<MutableEntry | undefined>;
  /** Throws a TxRejection when `fee` over `vsize` is below the pool's floor. */
  checkFloor(fee: bigint, vsize: number): void;
  remove(txid: string): void;
  /** Trims the pool and announces an entry added by addWithoutFloor; throws if it was evicted. */
  announce(entry: MutableEntry): void;
}

const RECONSIDERABLE = new Set(['min relay fee not met', 'mempool min fee not met']);

const rateOf = (fee: bigint, vsize: number): bigint => (vsize > 0 ? (fee * 1000n) / BigInt(vsize) : 0n);

function describe(err: TxRejection): string {
  return err.message && err.message !== err.code ? `${err.code}, ${err.message}` : err.code;
}

export async function acceptPackage(txs: readonly Transaction[], hooks: PackageAcceptHooks): Promise<PackageAcceptResult> {
  const results: PackageTxOutcome[] = txs.map((tx) => ({ txid: tx.txid(), wtxid: tx.wtxid(), kind: 'unevaluated' }));
  const replaced: string[] = [];
  const deferred: number[] = [];
  for (let i = 0; i < txs.length; i++) {
    const row = results[i];
    const present = hooks.get(row.txid);
    if (present) {
      Object.assign(row, present.wtxid === row.wtxid ? { kind: 'mempool-entry', vsize: present.vsize, fee: present.fee } : { kind: 'different-witness', otherWtxid: present.wtxid });
      continue;
    }
    try {
      const outcome = await hooks.acceptAlone(txs[i]);
      if (outcome.kind === 'missing-inputs') {
        deferred.push(i); // its parent is deferred too, or it really lacks inputs (found below)
        continue;
      }
      const { entry } = outcome;
      replaced.push(...outcome.replaced.map((e) => e.txid));
      Object.assign(row, { kind: 'valid', vsize: entry.vsize, fee: entry.fee, effectiveFeeRate: rateOf(entry.modifiedFee, entry.vsize), effectiveIncludes: [entry.wtxid] });
    } catch (err) {
      if (!isTxRejection(err)) throw err;
      if (RECONSIDERABLE.has(err.code)) {
        deferred.push(i);
        continue;
      }
      Object.assign(row, { kind: 'invalid', error: describe(err) });
      return { message: 'transaction failed', results, replaced };
    }
  }
  if (deferred.length > 0) {
    const failed = await acceptAtPackageRate(txs, deferred, results, hooks);
    if (failed) return { message: 'transaction failed', results, replaced };
  }
  return { message: 'success', results, replaced };
}

/** The deferred txs together: each checked but for fees, then their sum against the floor. True when they failed. */
async function acceptAtPackageRate(txs: readonly Transaction[], deferred: readonly number[], results: PackageTxOutcome[], hooks: PackageAcceptHooks): Promise<boolean> {
  const added: MutableEntry[] = [];
  const undo = (): void => {
    for (const entry of [...added].reverse()) hooks.remove(entry.txid);
  };
  for (const i of deferred) {
    try {
      const entry = await hooks.addWithoutFloor(txs[i]);
      if (!entry) {
        undo();
        Object.assign(results[i], { kind: 'invalid', error: 'missing-inputs' });
        return true;
      }
      added.push(entry);
    } catch (err) {
      if (!isTxRejection(err)) throw err;
      undo();
      Object.assign(results[i], { kind: 'invalid', error: describe(err) });
      return true;
    }
  }
  const fee = added.reduce((sum, e) => sum + e.modifiedFee, 0n);
  const vsize = added.reduce((sum, e) => sum + e.vsize, 0);
  try {
    hooks.checkFloor(fee, vsize);
  } catch (err) {
    if (!isTxRejection(err)) throw err;
    undo();
    // Core names the package's shortfall on each tx judged at the package rate.
    for (const i of deferred) Object.assign(results[i], { kind: 'invalid', error: describe(err) });
    return true;
  }
  const includes = added.map((e) => e.wtxid);
  deferred.forEach((i, n) => Object.assign(results[i], { kind: 'valid', vsize: added[n].vsize, fee: added[n].fee, effectiveFeeRate: rateOf(fee, vsize), effectiveIncludes: includes }));
  for (const entry of added) hooks.announce(entry);
  return false;
}
