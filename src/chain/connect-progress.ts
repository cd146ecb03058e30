import type { ChainStore } from '../store/chain-store.js';
import type { BlockIndexEntry } from './block-index.js';
import type { Logger } from '../util/logger.js';

/** Milliseconds between 'connecting blocks' progress lines while a long path is connected. */
const PROGRESS_INTERVAL_MS = 10_000;

/** 'connecting blocks' lines (height, rate, ETA, cache size) while a long path is connected. */
export class ConnectProgress {
  private readonly startedAt = Date.now();
  private lastLogAt = this.startedAt;

  constructor(
    private readonly logger: Logger,
    private readonly target: BlockIndexEntry,
    private readonly store: ChainStore,
  ) {}

  connected(entry: BlockIndexEntry, done: number, total: number): void {
    const now = Date.now();
    if (now - this.lastLogAt < PROGRESS_INTERVAL_MS) return;
    this.lastLogAt = now;
    const perSecond = done / Math.max(0.001, (now - this.startedAt) / 1000);
    this.logger.info(
      {
        height: entry.height,
        target: this.target.height,
        blocksPerSecond: Math.round(perSecond * 10) / 10,
        etaSeconds: Math.round((total - done) / perSecond),
        cacheMb: Math.round(this.store.cachedBytes / 1e5) / 10,
      },
      'connecting blocks',
    );
  }
}
