/**
 * What every optional index shares (Core's BaseIndex): built in the background by one pass that
 * walks the indexed best block towards the chain's tip, a block per step (stepping back off a
 * fork first), and runs again whenever the tip moves. It only follows the chain, so a crash
 * anywhere leaves a consistent "every block up to best" index that the next start continues.
 * Subclasses say how one block is added and undone.
 */
import { hashToHex } from '../primitives/bytes.js';
import type { Block } from '../primitives/block.js';
import { type Logger, silentLogger } from '../util/logger.js';

/** The slice of a block index entry an indexer walks. */
export interface IndexedEntry {
  readonly hash: string;
  readonly height: number;
  readonly parent: IndexedEntry | undefined;
}

/** What an indexer needs of the chain (Chain satisfies it). */
export interface IndexedChain {
  readonly tip: IndexedEntry;
  getEntry(hash: string): IndexedEntry | undefined;
  getEntryAtHeight(height: number): IndexedEntry | undefined;
  getBlock(hash: string): Promise<Block | undefined>;
  on(event: 'tipChanged', listener: () => void): unknown;
  off(event: 'tipChanged', listener: () => void): unknown;
}

/** What the base needs of an index's store: where it stands, and a way to start over. */
export interface IndexStore {
  best(): Promise<{ hash: Uint8Array; height: number } | undefined>;
  clear(): Promise<void>;
}

/** Blocks indexed between yields to the event loop while catching up. */
const YIELD_EVERY = 50;

export abstract class ChainIndexer<C extends IndexedChain = IndexedChain> {
  /** Undefined until the first pass has read the stored best block. */
  protected best: IndexedEntry | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly wake = (): void => this.schedule();

  constructor(
    /** How logs name the index ("transaction index"). */
    private readonly indexName: string,
    private readonly indexStore: IndexStore,
    protected readonly chain: C,
    protected readonly logger: Logger = silentLogger,
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

  /** Resolves once the index has caught up with the tip as it is now (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Indexes `entry`, the block after best; false when it cannot yet (the pass then waits for the next tip). */
  protected abstract addBlock(entry: IndexedEntry): Promise<boolean>;

  /** Removes best (off the main chain now) and records its parent as best. */
  protected abstract undoBlock(entry: IndexedEntry, parent: IndexedEntry): Promise<void>;

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.logger.error({ err }, `${this.indexName} update failed; retried on the next block`))
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
      if (best && this.chain.getEntryAtHeight(best.height) !== best) {
        const parent = best.parent;
        if (!parent) throw new Error(`${this.indexName}: genesis is not on the main chain`);
        await this.undoBlock(best, parent);
        this.best = parent;
      } else {
        const next = this.chain.getEntryAtHeight(best ? best.height + 1 : 0);
        if (!next || !(await this.addBlock(next))) break;
        this.best = next;
      }
      if (++steps % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (steps > 0) this.logger.debug({ height: this.best?.height, synced: this.best === this.chain.tip }, `${this.indexName} updated`);
  }

  /** The stored best block; one the chain does not know (the chain's last flush was lost) means a rebuild. */
  private async loadBest(): Promise<void> {
    const stored = await this.indexStore.best();
    const entry = stored && this.chain.getEntry(hashToHex(stored.hash));
    if (stored && !entry) {
      this.logger.warn({ best: hashToHex(stored.hash) }, `${this.indexName} is ahead of the chain; rebuilding it`);
      await this.indexStore.clear();
    }
    this.best = entry ?? undefined;
  }
}
