/**
 * When the chain writes its coin cache to disk: right after a block when the flush policy says
 * so (the cache is full, or it has waited long enough), otherwise once no block has come for
 * the policy's delay (see flush-policy.ts).
 */
import type { ChainStore } from '../store/chain-store.js';
import type { BlockIndexEntry } from './block-index.js';
import { FlushPolicy, type FlushPolicyOptions } from './flush-policy.js';
import type { Logger } from '../util/logger.js';

export interface ChainFlusherModules {
  store: ChainStore;
  logger: Logger;
  /** Seconds since the epoch (the chain's clock). */
  now(): number;
  tip(): BlockIndexEntry;
  /** Flushes through the chain's queue, so an idle flush never interleaves with a block. */
  queueFlush(): Promise<void>;
}

export class ChainFlusher {
  private readonly policy: FlushPolicy;
  private delayedFlush: NodeJS.Timeout | undefined;

  constructor(
    options: FlushPolicyOptions,
    private readonly modules: ChainFlusherModules,
  ) {
    this.policy = new FlushPolicy(options);
  }

  blockConnected(): void {
    this.policy.blockConnected();
  }

  /** Writes the coin cache when the flush policy says so; otherwise arms the delayed flush. */
  async maybeFlush(): Promise<void> {
    const { store, logger } = this.modules;
    clearTimeout(this.delayedFlush);
    if (this.policy.shouldFlush(store.cachedBytes)) {
      await this.flush();
      return;
    }
    if (store.cachedRecords === 0) return;
    this.delayedFlush = setTimeout(() => {
      if (!store.isOpen) return;
      this.modules.queueFlush().catch((err: unknown) => logger.error({ err: String(err) }, 'could not flush the chain state'));
    }, this.policy.delayMs(this.modules.tip(), this.modules.now()));
    this.delayedFlush.unref();
  }

  /** Writes the coin cache now (call from inside the chain's queue). */
  async flush(): Promise<void> {
    const { store } = this.modules;
    const records = store.cachedRecords;
    if (records === 0) return;
    const bytes = store.cachedBytes;
    await store.flush();
    this.policy.flushed();
    this.modules.logger.debug({ height: this.modules.tip().height, records, mb: Math.round(bytes / 1e5) / 10 }, 'chain state flushed');
  }

  cancelDelayed(): void {
    clearTimeout(this.delayedFlush);
  }
}
