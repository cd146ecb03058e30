/**
 * Keeping the pool bounded: Core's TrimToSize (evict the package with the lowest descendant
 * score), the rolling minimum fee that evictions raise, and expiry.
 */
import { compareFeeRates, descendantScore, type MempoolEntry, type MutableEntry } from './entry.js';
import type { EmitMempoolEvent } from './events.js';
import type { TxGraph } from './graph.js';
import type { MempoolOptions } from './options.js';
import type { OrphanTxPool } from './orphans.js';

/** Core's ROLLING_FEE_HALFLIFE: after blocks make room, the raised floor halves every 12 hours. */
const ROLLING_FEE_HALFLIFE = 12 * 60 * 60;
/** Core recomputes the decay at most every 10 seconds. */
const DECAY_INTERVAL = 10;

/** The entry whose package (it and its descendants) is worth least per vbyte; a linear scan, run only while over the limit. */
export function lowestDescendantScore(entries: Iterable<MempoolEntry>): MempoolEntry | undefined {
  let worst: MempoolEntry | undefined;
  let worstScore: { fee: bigint; vsize: number } | undefined;
  for (const entry of entries) {
    const score = descendantScore(entry);
    if (worstScore === undefined || compareFeeRates(score, worstScore) < 0) {
      worst = entry;
      worstScore = score;
    }
  }
  return worst;
}

/** The package fee rate an eviction of `entry` removes, in sat/kvB (rounded up: the floor must exceed it). */
export function packageFeeRate(entry: MempoolEntry): number {
  const { fee, vsize } = entry.descendant;
  return Number((fee * 1000n + BigInt(vsize) - 1n) / BigInt(vsize));
}

/** Txids of entries that entered before `cutoff` (seconds). */
export function expiredTxids(entries: Iterable<MempoolEntry>, cutoff: number): string[] {
  const expired: string[] = [];
  for (const entry of entries) if (entry.time < cutoff) expired.push(entry.txid);
  return expired;
}

export function oldestTime(entries: Iterable<MempoolEntry>): number {
  let oldest = Infinity;
  for (const entry of entries) oldest = Math.min(oldest, entry.time);
  return oldest;
}

/**
 * Core's rolling minimum fee: an eviction raises the floor to the evicted package's rate plus
 * the incremental relay fee, so the same txs cannot be sent again and evict each other forever.
 * Once a block has arrived since the last raise, it decays (faster while the pool is emptier)
 * and snaps to zero below half the incremental fee.
 */
export class RollingMinFee {
  private rate = 0;
  private lastUpdate = 0;
  private blockSinceBump = false;

  constructor(private readonly incrementalRelayFeeRate: number) {}

  /** After an eviction of a package paying `evictedRate` sat/kvB. */
  bump(evictedRate: number, now: number): void {
    const raised = evictedRate + this.incrementalRelayFeeRate;
    if (raised <= this.rate) return;
    this.rate = raised;
    this.lastUpdate = now;
    this.blockSinceBump = false;
  }

  blockConnected(now: number): void {
    this.lastUpdate = now;
    this.blockSinceBump = true;
  }

  /** The floor in sat/kvB (0 when none); `fullness` is usage / maxBytes. */
  current(now: number, fullness: number): number {
    if (!this.blockSinceBump || this.rate === 0) return Math.round(this.rate);
    if (now > this.lastUpdate + DECAY_INTERVAL) {
      const halflife = fullness < 0.25 ? ROLLING_FEE_HALFLIFE / 4 : fullness < 0.5 ? ROLLING_FEE_HALFLIFE / 2 : ROLLING_FEE_HALFLIFE;
      this.rate /= 2 ** ((now - this.lastUpdate) / halflife);
      this.lastUpdate = now;
      if (this.rate < this.incrementalRelayFeeRate / 2) {
        this.rate = 0;
        return 0;
      }
    }
    return Math.max(Math.round(this.rate), this.incrementalRelayFeeRate);
  }
}

/** What PoolBounds works on, lent by the mempool. */
export interface PoolBoundsModules {
  graph: TxGraph;
  orphans: OrphanTxPool;
  /** Seconds since the epoch. */
  now: () => number;
  emit: EmitMempoolEvent;
}

/**
 * Holds the pool to its bounds: its size (trimming raises the rolling minimum fee) and the age of
 * its txs and orphans. Acceptance and block updates (block-updates.ts) both call it.
 */
export class PoolBounds {
  private readonly rollingMinFee: RollingMinFee;
  /** A lower bound on the oldest entry's time, so expiry scans only when something may be due. */
  private oldestTime = Infinity;

  constructor(
    private readonly options: Pick<MempoolOptions, 'maxBytes' | 'expiryHours' | 'incrementalRelayFeeRate'>,
    private readonly modules: PoolBoundsModules,
  ) {
    this.rollingMinFee = new RollingMinFee(options.incrementalRelayFeeRate);
  }

  /** The rolling floor (sat/kvB, 0 when none), decaying faster the emptier the pool. */
  currentRollingMinFee(): number {
    return this.rollingMinFee.current(this.modules.now(), this.modules.graph.usage / Math.max(1, this.options.maxBytes));
  }

  /** A block was connected: the floor may decay from now on. */
  blockConnected(): void {
    this.rollingMinFee.blockConnected(this.modules.now());
  }

  /** An entry was put in the pool. */
  entered(entry: MempoolEntry): void {
    this.oldestTime = Math.min(this.oldestTime, entry.time);
  }

  /** The pool was emptied, to be filled again (after a reorg). */
  cleared(): void {
    this.oldestTime = Infinity;
  }

  /** Core's TrimToSize: while over the bound, evict the lowest descendant-score package and raise the floor. */
  trimToSize(): MutableEntry[] {
    const { graph } = this.modules;
    const evicted: MutableEntry[] = [];
    while (graph.usage > this.options.maxBytes) {
      const victim = lowestDescendantScore(graph.entries());
      if (!victim) break;
      this.rollingMinFee.bump(packageFeeRate(victim), this.modules.now());
      evicted.push(...graph.removeWithDescendants(victim.txid));
    }
    return evicted;
  }

  /** Drops txs older than expiryHours (with their descendants) and stale orphans. */
  expire(): void {
    const { graph, orphans, emit } = this.modules;
    const now = this.modules.now();
    orphans.expire(now);
    const cutoff = now - this.options.expiryHours * 3600;
    if (this.oldestTime >= cutoff) return;
    for (const txid of expiredTxids(graph.entries(), cutoff)) {
      for (const entry of graph.removeWithDescendants(txid)) emit('txRemoved', { entry, reason: 'expiry' });
    }
    this.oldestTime = oldestTime(graph.entries());
  }
}
