import type { Coin } from '../primitives/coin.js';

/** Clean coins kept by default: ~250 bytes each, so ~50 MB, about 100 blocks' worth of 2,000 inputs. */
export const DEFAULT_CLEAN_COINS = 200_000;

/**
 * The write cache's bottom layer: coins (never deletions) known to equal the database's, at most
 * `capacity` of them, the oldest dropped first. Core's cache keeps the coins it read or flushed
 * the same way, so the block spending what the mempool just checked finds it in memory. Keyed
 * as the write cache keys coins (OutPoint.key()). Whether a coin may be kept at all (nothing
 * written since it was read) is the write cache's call, not this class's.
 */
export class CleanCoins {
  private readonly coins = new Map<string, Coin>();
  /**
   * The oldest key, kept between evictions and made at the first (see util/bounded-set.ts: a
   * fresh `keys().next()` scans every slot deleted since the table's last rehash, and a live
   * iterator keeps the tables the map has outgrown).
   */
  private oldest: MapIterator<string> | undefined;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.coins.size;
  }

  /** False with a capacity of 0: nothing is ever kept, so callers can skip the walk that would offer coins. */
  get enabled(): boolean {
    return this.capacity > 0;
  }

  get(k: string): Coin | undefined {
    return this.coins.get(k);
  }

  /** Keeps (or refreshes) a coin as the newest, dropping the oldest past the capacity. */
  keep(k: string, coin: Coin): void {
    if (this.capacity === 0) return;
    this.coins.delete(k);
    this.coins.set(k, coin);
    if (this.coins.size > this.capacity) this.coins.delete((this.oldest ??= this.coins.keys()).next().value as string);
  }

  delete(k: string): void {
    this.coins.delete(k);
  }

  clear(): void {
    this.coins.clear();
    this.oldest = undefined;
  }
}
