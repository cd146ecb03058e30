import type { Block } from '../primitives/block.js';

/** One connected block's txids; the set is made at the first question (most blocks never get one). */
interface MinedBlock {
  readonly hash: string;
  readonly txids: readonly string[];
  set?: Set<string>;
}

/**
 * Txids of recently mined transactions (Core's m_recent_confirmed_transactions). A tx whose
 * input names one of these but finds no coin spends an output that is already spent (or never
 * existed): a double spend of the chain, refused at once rather than held as an orphan that
 * could never resolve. Bounded, oldest block forgotten first; a forgotten one just becomes an
 * orphan.
 *
 * Kept per block, not as one set of txids: a block's connect only lists its txids (adding
 * 2,000 keys to a set of 50,000, evicting as many, cost ~1.2 ms a block), and the rare question
 * (an input with no coin) asks each remembered block.
 */
export class RecentlyConfirmed {
  /** Oldest first. */
  private readonly blocks: MinedBlock[] = [];
  private txidCount = 0;

  constructor(private readonly maxTxids = 50_000) {}

  has(txid: string): boolean {
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i];
      block.set ??= new Set(block.txids);
      if (block.set.has(txid)) return true;
    }
    return false;
  }

  blockConnected(block: Block): void {
    const txids = block.txs.map((tx) => tx.txid());
    this.blocks.push({ hash: block.hash(), txids });
    this.txidCount += txids.length;
    // The newest block is always kept, whatever its size.
    while (this.txidCount > this.maxTxids && this.blocks.length > 1) this.txidCount -= this.blocks.shift()!.txids.length;
  }

  /** A disconnected block's txs are unconfirmed again: spending their outputs is no longer a double spend. */
  blockDisconnected(block: Block): void {
    const hash = block.hash();
    const at = this.blocks.findIndex((mined) => mined.hash === hash);
    if (at < 0) return;
    this.txidCount -= this.blocks[at].txids.length;
    this.blocks.splice(at, 1);
  }
}
