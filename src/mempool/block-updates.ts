import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';
import type { Logger } from '../util/logger.js';
import type { RecentlyConfirmed } from './confirmed.js';
import { DisconnectedTxs } from './disconnected.js';
import type { MempoolEntry, MutableEntry } from './entry.js';
import type { EmitMempoolEvent, RemovalReason } from './events.js';
import type { PoolBounds } from './eviction.js';
import type { FeeDeltas } from './fee-deltas.js';
import type { TxGraph } from './graph.js';
import type { OrphanTxPool } from './orphans.js';
import { isTxRejection } from './policy-codes.js';

/** The parts of the mempool that block updates work on, lent by it, and two steps of acceptance they reuse. */
export interface MempoolParts {
  graph: TxGraph;
  orphans: OrphanTxPool;
  recentlyConfirmed: RecentlyConfirmed;
  deltas: FeeDeltas;
  bounds: PoolBounds;
  logger: Logger;
  emit: EmitMempoolEvent;
  /** Validates `tx` again, fee floors skipped, and puts it (as `existing`, its old entry, if given) in the graph unannounced. */
  readd(tx: Transaction, existing?: MutableEntry): Promise<{ kind: 'added'; entry: MutableEntry } | { kind: 'missing-inputs' }>;
  /** Tries the orphans waiting on `parents`, and on those accepted in turn; resolves to the txids accepted. */
  acceptOrphansOf(parents: readonly string[]): Promise<string[]>;
}

/**
 * What the pool does as the chain moves, Core's removeForBlock and MaybeUpdateMempoolForReorg:
 * a connected block's txs leave the pool and their double spends go; the txs of disconnected
 * blocks are held until the reorg is over, then offered back, and the pool is checked again
 * against the new chain. Called from inside the mempool's queue.
 */
export class BlockUpdates {
  private readonly disconnected = new DisconnectedTxs();

  constructor(private readonly pool: MempoolParts) {}

  /** Core's removeForBlock: mined txs leave (their children stay), double spends of them go with their descendants. */
  async connect(block: Block): Promise<void> {
    const { graph, deltas, emit } = this.pool;
    const txs = block.txs.slice(1);
    this.pool.recentlyConfirmed.blockConnected(block);
    for (const tx of txs) {
      const txid = tx.txid();
      this.disconnected.markMined(txid);
      deltas.clear(txid);
      const mined = graph.remove(txid);
      if (mined) {
        emit('txRemoved', { entry: mined, reason: 'block' });
        // The pool held this tx, so no other pool tx spends its inputs: nothing conflicts.
        continue;
      }
      for (const input of tx.inputs) {
        const spender = graph.spentBy(input.prevout);
        if (spender !== undefined) this.announceRemoved(graph.removeWithDescendants(spender), 'conflict');
      }
    }
    this.pool.orphans.removeForBlock(txs);
    this.pool.bounds.blockConnected();
    this.pool.bounds.expire();
    await this.pool.acceptOrphansOf(txs.map((tx) => tx.txid()));
  }

  /** Holds the block's txs until the reorg is over; its txs are no longer recently confirmed. */
  disconnect(block: Block): void {
    this.disconnected.addBlock(block);
    this.pool.recentlyConfirmed.blockDisconnected(block);
  }

  /** The chain finished moving its tip: if blocks were disconnected, the reorg is over. */
  tipChanged(): Promise<void> {
    return this.disconnected.pending ? this.readdAfterReorg() : Promise.resolve();
  }

  /**
   * After a reorg: the disconnected blocks' txs are offered back first, then every pool tx is
   * checked again against the new chain (an input may now be missing, an immature coinbase, or
   * spent by a block tx put back), in the old order so parents precede children. Survivors keep
   * their entry and time. Fee floors are skipped, as in Core, and so are the package limits for
   * the pool's own txs (Core never re-checks those); the size bound is applied after.
   */
  private async readdAfterReorg(): Promise<void> {
    const resurrect = this.disconnected.take();
    const previous = this.pool.graph.clear();
    this.pool.bounds.cleared();
    let readded = 0;
    for (const tx of resurrect) {
      const added = await this.tryReadd(tx);
      if (added) this.pool.emit('txAccepted', { entry: added });
      if (added) readded++;
    }
    const dropped = [];
    for (const entry of previous) {
      if (!(await this.tryReadd(entry.tx, entry))) dropped.push(entry);
    }
    this.announceRemoved(dropped, 'reorg');
    this.announceRemoved(this.pool.bounds.trimToSize(), 'eviction');
    this.pool.logger.info({ offered: resurrect.length, readded, dropped: dropped.length, size: this.pool.graph.size }, 'mempool updated after reorg');
  }

  private async tryReadd(tx: Transaction, existing?: MutableEntry): Promise<MutableEntry | undefined> {
    try {
      const added = await this.pool.readd(tx, existing);
      return added.kind === 'added' ? added.entry : undefined;
    } catch (err) {
      if (!isTxRejection(err)) throw err;
      this.pool.logger.debug({ txid: tx.txid(), code: err.code }, 'not re-added after reorg');
      return undefined;
    }
  }

  private announceRemoved(entries: readonly MempoolEntry[], reason: RemovalReason): void {
    for (const entry of entries) this.pool.emit('txRemoved', { entry, reason });
  }
}
