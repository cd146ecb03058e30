/**
 * The optional transaction index (`--txindex`), built in the background: one pass that walks
 * the indexed best block towards the chain's tip, a block per step (undoing steps off a fork
 * first), and runs again whenever the tip moves. It only follows the chain, so a crash anywhere
 * leaves a consistent "every block up to best" index that the next start continues.
 */
import { hashToHex, hexToHash } from '../primitives/bytes.js';
import type { Block } from '../primitives/block.js';
import type { TxIndexStore } from '../store/tx-index-store.js';
import { type Logger, silentLogger } from '../util/logger.js';

/** The slice of a block index entry the indexer walks. */
export interface TxIndexEntry {
  readonly hash: string;
  readonly height: number;
  readonly parent: TxIndexEntry | undefined;
}

/** What the indexer needs of the chain (Chain satisfies it). */
export interface TxIndexChain {
  readonly tip: TxIndexEntry;
  getEntry(hash: string): TxIndexEntry | undefined;
  getEntryAtHeight(height: number): TxIndexEntry | undefined;
  getBlock(hash: string): Promise<Block | undefined>;
  on(event: 'tipChanged', listener: () => void): unknown;
  off(event: 'tipChanged', listener: () => void): unknown;
}

/** Blocks indexed between yields to the event loop while catching up. */
const YIELD_EVERY = 50;

export class TxIndexer {
  /** Undefined until the first pass has read the stored best block. */
  private best: TxIndexEntry | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly wake = (): void => this.schedule();

  constructor(
    private readonly store: TxIndexStore,
    private readonly chain: TxIndexChain,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Starts following the chain; the first pass catches up from wherever the index stands. */
  start(): void {
    this.chain.on('tipChanged', this.wake);
    this.schedule();
  }

  /** Stops after the step in progress; the store stays open (its owner closes it). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.chain.off('tipChanged', this.wake);
    await this.running;
  }

  /** Core's getindexinfo row. */
  info(): { synced: boolean; best_block_height: number } {
    return { synced: this.best !== undefined && this.best === this.chain.tip, best_block_height: this.best?.height ?? -1 };
  }

  /** Display hash of the main-chain block holding `txid` (display hex), if the index has it. */
  async blockOf(txid: string): Promise<string | undefined> {
    const stored = await this.store.blockOf(hexToHash(txid));
    if (!stored) return undefined;
    const entry = this.chain.getEntry(hashToHex(stored));
    // Entries of a block that left the main chain are removed by the next pass; until then, not found.
    return entry && this.chain.getEntryAtHeight(entry.height) === entry ? entry.hash : undefined;
  }

  /** Resolves once the index has caught up with the tip as it is now (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.logger.error({ err }, 'transaction index update failed; retried on the next block'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  private async pass(): Promise<void> {
    if (this.best === undefined) await this.loadBest();
    let steps = 0;
    while (!this.stopped && this.best !== this.chain.tip) {
      const best = this.best;
      if (best && this.chain.getEntryAtHeight(best.height) !== best) await this.undo(best);
      else if (!(await this.add(this.chain.getEntryAtHeight(best ? best.height + 1 : 0)))) break;
      if (++steps % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (steps > 0) this.logger.debug({ height: this.best?.height, synced: this.best === this.chain.tip }, 'transaction index updated');
  }

  /** The stored best block; one the chain does not know (the chain's last flush was lost) means a rebuild. */
  private async loadBest(): Promise<void> {
    const stored = await this.store.best();
    const entry = stored && this.chain.getEntry(hashToHex(stored.hash));
    if (stored && !entry) {
      this.logger.warn({ best: hashToHex(stored.hash) }, 'transaction index is ahead of the chain; rebuilding it');
      await this.store.clear();
    }
    this.best = entry ?? undefined;
  }

  private async add(entry: TxIndexEntry | undefined): Promise<boolean> {
    if (!entry) return false;
    const block = await this.chain.getBlock(entry.hash);
    if (!block) {
      this.logger.warn({ height: entry.height, hash: entry.hash }, 'transaction index: block body not available; waiting for it');
      return false;
    }
    // Genesis transactions are not indexed (Core's neither).
    const txids = entry.height === 0 ? [] : block.txs.map((tx) => tx.txidBytes());
    await this.store.apply({ txids, blockHash: hexToHash(entry.hash), remove: false, best: { hash: hexToHash(entry.hash), height: entry.height } });
    this.best = entry;
    return true;
  }

  private async undo(entry: TxIndexEntry): Promise<void> {
    const block = await this.chain.getBlock(entry.hash);
    const parent = entry.parent;
    if (!parent) throw new Error('transaction index: genesis is not on the main chain');
    const txids = block ? block.txs.map((tx) => tx.txidBytes()) : [];
    await this.store.apply({ txids, blockHash: hexToHash(entry.hash), remove: true, best: { hash: hexToHash(parent.hash), height: parent.height } });
    this.best = parent;
  }
}
