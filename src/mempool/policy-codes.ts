/**
 * Why the mempool refuses a transaction that consensus alone would allow (or that only a mempool
 * can judge): Core's reject reasons from policy.cpp and MemPoolAccept, kept apart from the
 * consensus codes so a block can never fail with one of these.
 */
import { RuleError, type RuleCode } from '../consensus/errors.js';

export type PolicyCode =
  // standardness (IsStandardTx)
  | 'version'
  | 'tx-size'
  | 'scriptpubkey'
  | 'multi-op-return'
  | 'dust'
  | 'non-final'
  // what only a mempool can see: Core reports the first two as consensus results, but no block can fail them
  | 'coinbase'
  | 'bad-txns-spends-conflicting-tx'
  | 'txn-already-in-mempool'
  | 'txn-same-nonwitness-data-in-mempool'
  | 'txn-already-known'
  | 'txn-mempool-conflict'
  // fees and replacement (BIP125 as Core 28)
  | 'insufficient fee'
  | 'too many potential replacements'
  | 'replacement-adds-unconfirmed'
  | 'min relay fee not met'
  | 'mempool min fee not met'
  | 'mempool full'
  // package limits
  | 'too-long-mempool-chain';

/** A refused transaction: a consensus rule it breaks, or a policy it fails. */
export type TxRejection = RuleError<RuleCode | PolicyCode>;

export function isTxRejection(err: unknown): err is TxRejection {
  return err instanceof RuleError;
}

/** Policy failures never penalise the sender: a miner may still put the tx in a block. */
export function policyError(code: PolicyCode, message?: string): RuleError<PolicyCode> {
  return new RuleError(code, message, { action: 'ignore' });
}

/** For refusals only a mempool makes that Core nonetheless classes as consensus (the sender is at fault). */
export function mempoolRuleError(code: PolicyCode, message?: string): RuleError<PolicyCode> {
  return new RuleError(code, message);
}
