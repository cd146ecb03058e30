/**
 * What a compact block relay remembers of the txs it has seen: the recent txs themselves (so a
 * block can be rebuilt with txs that already left the mempool, as Core's extra-txn pool), and,
 * longer, just their wtxids (a tx we never saw is one our peers likely lack: we prefill it).
 */
import type { Transaction } from '../../primitives/transaction.js';
import { RecentSet } from '../recent.js';

export class RecentTxs {
  private readonly txs = new Map<string, Transaction>();
  private readonly seen: RecentSet;

  constructor(
    private readonly txCapacity: number,
    seenCapacity: number,
  ) {
    this.seen = new RecentSet(seenCapacity);
  }

  add(wtxid: string, tx: Transaction): void {
    this.seen.add(wtxid);
    this.txs.delete(wtxid);
    this.txs.set(wtxid, tx);
    if (this.txs.size > this.txCapacity) this.txs.delete(this.txs.keys().next().value as string);
  }

  /** Whether this wtxid went through our mempool lately. */
  has(wtxid: string): boolean {
    return this.seen.has(wtxid);
  }

  /** Newest first: the likeliest to be in a new block. */
  *values(): Iterable<Transaction> {
    const all = [...this.txs.values()];
    for (let i = all.length - 1; i >= 0; i--) yield all[i];
  }
}
