/** Core's IsRBFOptIn (policy/rbf.cpp), for gettransaction's `bip125-replaceable`. */
import type { Transaction } from '../primitives/transaction.js';
import type { Bip125State } from './history.js';
import type { WalletMempool } from './interfaces.js';

/** BIP125's opt-in: some input's sequence is at most 0xfffffffd. */
export function signalsOptIn(tx: Transaction): boolean {
  return tx.inputs.some((input) => input.sequence <= 0xfffffffd);
}

/**
 * `yes` when the tx signals, or is in the pool with an in-pool ancestor that signals (a
 * replacement of that ancestor would evict it); `unknown` when it does not signal and is not in
 * the pool; `no` otherwise. Core 28 answers this from signalling even with full-RBF on.
 */
export function signalsRbf(tx: Transaction, txid: string, mempool: WalletMempool): Bip125State {
  if (signalsOptIn(tx)) return 'yes';
  if (!mempool.has(txid)) return 'unknown';
  return mempool.ancestorsOf(txid).some((ancestor) => signalsOptIn(ancestor.tx)) ? 'yes' : 'no';
}
