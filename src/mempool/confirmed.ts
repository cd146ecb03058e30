import type { Block } from '../primitives/block.js';
import { BoundedSet } from '../util/bounded-set.js';

/**
 * Txids of recently mined transactions (Core's m_recent_confirmed_transactions). A tx whose
 * input names one of these but finds no coin spends an output that is already spent (or never
 * existed): a double spend of the chain, refused at once rather than held as an orphan that
 * could never resolve. Bounded, oldest forgotten first; a forgotten one just becomes an orphan.
 */
export class RecentlyConfirmed {
  private readonly txids: BoundedSet<string>;

  constructor(maxTxids = 50_000) {
    this.txids = new BoundedSet(maxTxids);
  }

  has(txid: string): boolean {
    return this.txids.has(txid);
  }

  blockConnected(block: Block): void {
    for (const tx of block.txs) this.txids.add(tx.txid());
  }

  /** A disconnected block's txs are unconfirmed again: spending their outputs is no longer a double spend. */
  blockDisconnected(block: Block): void {
    for (const tx of block.txs) this.txids.delete(tx.txid());
  }
}
