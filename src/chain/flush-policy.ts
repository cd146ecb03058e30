import type { BlockIndexEntry } from './block-index.js';

/**
 * When the chain writes its cached state (coins, undo data, index, tip) to disk. Like Core's
 * FlushStateToDisk: when the cache outgrows --dbcache, and periodically, so that a crash
 * replays a bounded number of blocks. Otherwise the write waits for a pause in the blocks
 * (ChainFlusher's delayed flush): a short one at the tip, so what is on disk follows the tip
 * within a second without the write ever delaying a block's connect or its relay; a longer one
 * while catching up, so a sync writes in large batches. A crash in between replays the blocks
 * from their stored bodies, as Core replays from its block files.
 */
export interface FlushPolicyOptions {
  /** Flush once the cache holds more than this many bytes (--dbcache MB); 0 flushes every block. */
  maxBytes: number;
  /** Flush at least every this many connected blocks. */
  maxBlocks: number;
  /** Flush at least this often while blocks are being connected, milliseconds. */
  intervalMs: number;
  /** A tip older than this (seconds) means we are catching up, as Core's -maxtipage. */
  maxTipAge: number;
  /**
   * So many blocks connected within `burstMs` also mean catching up, whatever their timestamps
   * (regtest chains mined in a burst carry times ahead of the clock).
   */
  burstBlocks: number;
  burstMs: number;
  /** At the tip, the cache is written once no block has followed for this long, ms. */
  tipDelayMs: number;
  /** Catching up, the cache is written once no block has followed for this long, ms. */
  catchUpDelayMs: number;
}

export const DEFAULT_FLUSH_POLICY: FlushPolicyOptions = {
  maxBytes: 450 * 1024 * 1024,
  maxBlocks: 5_000,
  intervalMs: 60_000,
  maxTipAge: 24 * 60 * 60,
  burstBlocks: 16,
  burstMs: 2_000,
  tipDelayMs: 1_000,
  catchUpDelayMs: 5_000,
};

export class FlushPolicy {
  private blocksSinceFlush = 0;
  private lastFlushAt: number;
  /** When the last `burstBlocks` blocks were connected, oldest first. */
  private readonly recent: number[] = [];

  constructor(
    private readonly options: FlushPolicyOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.lastFlushAt = clock();
  }

  blockConnected(): void {
    this.blocksSinceFlush++;
    this.recent.push(this.clock());
    if (this.recent.length > this.options.burstBlocks) this.recent.shift();
  }

  /** Whether to flush now, right after a block, with the cache at `cachedBytes`. */
  shouldFlush(cachedBytes: number): boolean {
    if (cachedBytes === 0) return false;
    if (cachedBytes > this.options.maxBytes) return true;
    if (this.blocksSinceFlush >= this.options.maxBlocks) return true;
    return this.clock() - this.lastFlushAt >= this.options.intervalMs;
  }

  /** How long a pause in the blocks to wait for before writing; `tip` is the chain's tip, `nowSeconds` chain time. */
  delayMs(tip: BlockIndexEntry, nowSeconds: number): number {
    return this.catchingUp(tip, nowSeconds) ? this.options.catchUpDelayMs : this.options.tipDelayMs;
  }

  /** Core's IsInitialBlockDownload tip-age rule, or blocks arriving in a burst. */
  catchingUp(tip: BlockIndexEntry, nowSeconds: number): boolean {
    if (tip.time < nowSeconds - this.options.maxTipAge) return true;
    const { burstBlocks, burstMs } = this.options;
    return burstBlocks > 0 && this.recent.length >= burstBlocks && this.clock() - this.recent[0] < burstMs;
  }

  flushed(): void {
    this.blocksSinceFlush = 0;
    this.lastFlushAt = this.clock();
  }
}
