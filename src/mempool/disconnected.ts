import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';

/**
 * Core's DisconnectedBlockTransactions: the txs of blocks a reorg took off the chain, held until
 * the reorg is over and then offered back to the pool (oldest block first, block order within
 * each, so parents come before children). Txs the new chain mines again are dropped from it.
 */
export class DisconnectedTxs {
  /** Per disconnected block, tip first, coinbase excluded. */
  private blocks: Transaction[][] = [];
  private readonly mined = new Set<string>();
  private disconnects = 0;

  /** Whether any block was disconnected since the last take: the pool must then be re-checked. */
  get pending(): boolean {
    return this.disconnects > 0;
  }

  addBlock(block: Block): void {
    this.blocks.push(block.txs.slice(1));
    this.disconnects++;
  }

  /** A connected block contains `txid`: it is confirmed again and need not come back. */
  markMined(txid: string): void {
    if (this.pending) this.mined.add(txid);
  }

  /** The txs to offer back, in order, and resets. */
  take(): Transaction[] {
    const txs = this.blocks.reverse().flat().filter((tx) => !this.mined.has(tx.txid()));
    this.blocks = [];
    this.mined.clear();
    this.disconnects = 0;
    return txs;
  }
}
