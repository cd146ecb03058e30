/**
 * The basic block filter index (`--blockfilterindex`, Core's -blockfilterindex=basic), built in
 * the background as the txindex is: one pass walks the indexed best block towards the chain's
 * tip, a block per step, and runs again whenever the tip moves. Each block's BIP158 filter needs
 * the scripts its inputs spent, read from the block's undo data; its BIP157 header chains onto
 * the parent's. Off a fork the best block just steps back: records are by hash and stay right.
 */
import { basicFilterElements, buildGcsFilter, filterHeader } from '../primitives/block-filter.js';
import { ZERO_HASH, hashToHex, hexToHash } from '../primitives/bytes.js';
import type { Block } from '../primitives/block.js';
import type { Coin } from '../primitives/coin.js';
import type { FilterIndexStore, FilterRecord } from '../store/filter-index-store.js';
import { type Logger, silentLogger } from '../util/logger.js';
import type { TxIndexEntry } from './tx-indexer.js';

/** What the indexer needs of the chain (Chain satisfies it). */
export interface FilterIndexChain {
  readonly tip: TxIndexEntry;
  getEntry(hash: string): TxIndexEntry | undefined;
  getEntryAtHeight(height: number): TxIndexEntry | undefined;
  getBlock(hash: string): Promise<Block | undefined>;
  readonly store: { getUndo(hash: Uint8Array): Promise<Coin[] | undefined> };
  on(event: 'tipChanged', listener: () => void): unknown;
  off(event: 'tipChanged', listener: () => void): unknown;
}

const YIELD_EVERY = 50;

export class FilterIndexer {
  private best: TxIndexEntry | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly wake = (): void => this.schedule();

  constructor(
    private readonly store: FilterIndexStore,
    private readonly chain: FilterIndexChain,
    private readonly logger: Logger = silentLogger,
  ) {}

  start(): void {
    this.chain.on('tipChanged', this.wake);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.chain.off('tipChanged', this.wake);
    await this.running;
  }

  /** Core's getindexinfo row. */
  info(): { synced: boolean; best_block_height: number } {
    return { synced: this.best !== undefined && this.best === this.chain.tip, best_block_height: this.best?.height ?? -1 };
  }

  /** The filter and header of a block (display hash), if indexed. */
  async filter(hash: string): Promise<FilterRecord | undefined> {
    return this.store.get(hexToHash(hash));
  }

  /** Resolves once the index has caught up with the tip as it is now. */
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
      .catch((err: unknown) => this.logger.error({ err }, 'block filter index update failed; retried on the next block'))
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
        if (!parent) throw new Error('block filter index: genesis is not on the main chain');
        await this.store.apply(undefined, { hash: hexToHash(parent.hash), height: parent.height });
        this.best = parent;
      } else if (!(await this.add(this.chain.getEntryAtHeight(best ? best.height + 1 : 0)))) break;
      if (++steps % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (steps > 0) this.logger.debug({ height: this.best?.height, synced: this.best === this.chain.tip }, 'block filter index updated');
  }

  private async loadBest(): Promise<void> {
    const stored = await this.store.best();
    const entry = stored && this.chain.getEntry(hashToHex(stored.hash));
    if (stored && !entry) {
      this.logger.warn({ best: hashToHex(stored.hash) }, 'block filter index is ahead of the chain; rebuilding it');
      await this.store.clear();
    }
    this.best = entry ?? undefined;
  }

  private async add(entry: TxIndexEntry | undefined): Promise<boolean> {
    if (!entry) return false;
    const hash = hexToHash(entry.hash);
    const block = await this.chain.getBlock(entry.hash);
    // Genesis spends nothing and has no undo data; every other connected block has its own.
    const spent = entry.height === 0 ? [] : await this.chain.store.getUndo(hash);
    const previous = entry.parent ? await this.store.get(hexToHash(entry.parent.hash)) : undefined;
    if (!block || !spent || (entry.parent && !previous)) {
      this.logger.warn({ height: entry.height, hash: entry.hash }, 'block filter index: block, undo data or parent filter not available; waiting');
      return false;
    }
    const outputs = block.txs.flatMap((tx) => tx.outputs.map((out) => out.script));
    const filter = buildGcsFilter(hash, basicFilterElements(outputs, spent.map((coin) => coin.script)));
    const header = filterHeader(filter, previous?.header ?? ZERO_HASH);
    await this.store.apply({ hash, value: { header, filter } }, { hash, height: entry.height });
    this.best = entry;
    return true;
  }
}
