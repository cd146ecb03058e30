/**
 * When the chain writes its coin cache to disk: after a block when the flush policy says so
 * (see flush-policy.ts), and once no block has come for IDLE_FLUSH_MS after a burst.
 */
import type { ChainStore } from '../store/chain-store.js';
import type { BlockIndexEntry } from './block-index.js';
import { FlushPolicy, type FlushPolicyOptions } from './flush-policy.js';
import type { Logger } from '../util/logger.js';

/** A cache left unflushed after a burst is written once no block has come for this long. */
const IDLE_FLUSH_MS = 5_000;

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
  private idleFlush: NodeJS.Timeout | undefined;

  constructor(
    options: FlushPolicyOptions,
    private readonly modules: ChainFlusherModules,
  ) {
    this.policy = new FlushPolicy(options);
  }

  blockConnected(): void {
    this.policy.blockConnected();
  }

  /** Writes the coin cache when the flush policy says so; otherwise arms the idle flush. */
  async maybeFlush(): Promise<void> {
    const { store, logger } = this.modules;
    clearTimeout(this.idleFlush);
    if (this.policy.shouldFlush(store.cachedBytes, this.modules.tip(), this.modules.now())) {
      await this.flush();
      return;
    }
    this.idleFlush = setTimeout(() => {
      if (!store.isOpen) return;
      this.modules.queueFlush().catch((err: unknown) => logger.error({ err: String(err) }, 'could not flush the chain state'));
    }, IDLE_FLUSH_MS);
    this.idleFlush.unref();
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

  cancelIdle(): void {
    clearTimeout(this.idleFlush);
  }
}
