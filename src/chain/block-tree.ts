import { BlockIndexEntry, BlockStatus, FAILED_MASK } from './block-index.js';

/**
 * Every block the node knows of, and the active (main) chain as an array by height.
 * Candidate tips are blocks with their data whose ancestors all have data too and none failed:
 * the chain always tries to move to the one with the most work.
 */
export class BlockTree {
  private readonly entries = new Map<string, BlockIndexEntry>();
  private readonly active: BlockIndexEntry[] = [];
  private readonly candidates = new Set<BlockIndexEntry>();
  private nextSequence = 0;
  /** The valid header with the most work (Core's pindexBestHeader); body or not. */
  private best: BlockIndexEntry | undefined;

  get size(): number {
    return this.entries.size;
  }

  get tip(): BlockIndexEntry {
    const tip = this.active[this.active.length - 1];
    if (!tip) throw new Error('the block tree has no active chain yet');
    return tip;
  }

  get height(): number {
    return this.active.length - 1;
  }

  /** The most-work header not known invalid; at least the tip. */
  get bestHeader(): BlockIndexEntry {
    return this.best && this.best.chainwork > this.tip.chainwork ? this.best : this.tip;
  }

  get(hash: string): BlockIndexEntry | undefined {
    return this.entries.get(hash);
  }

  has(hash: string): boolean {
    return this.entries.has(hash);
  }

  /** The main-chain block at `height`. */
  atHeight(height: number): BlockIndexEntry | undefined {
    return this.active[height];
  }

  contains(entry: BlockIndexEntry): boolean {
    return this.active[entry.height] === entry;
  }

  /** Creates and registers the entry for a header whose parent is known (or genesis). */
  insert(header: BlockIndexEntry['header'], parent: BlockIndexEntry | undefined, work: bigint, status: number): BlockIndexEntry {
    const entry = new BlockIndexEntry(header, parent, work, status, this.nextSequence++);
    this.entries.set(entry.hash, entry);
    this.considerBest(entry);
    return entry;
  }

  /** Re-registers an entry loaded from the store, keeping load order as first-seen order. */
  restore(entry: BlockIndexEntry): void {
    this.entries.set(entry.hash, entry);
    this.nextSequence = Math.max(this.nextSequence, entry.sequence + 1);
    this.considerBest(entry);
  }

  private considerBest(entry: BlockIndexEntry): void {
    if (!entry.isFailed() && (!this.best || entry.chainwork > this.best.chainwork)) this.best = entry;
  }

  /** Finds the best header again after the old one was marked invalid (rare, so a scan). */
  private recomputeBest(): void {
    this.best = undefined;
    for (const entry of this.entries.values()) this.considerBest(entry);
  }

  allocateSequence(): number {
    return this.nextSequence++;
  }

  /** Moves the active chain's tip: `entry` must extend the current tip (or be genesis). */
  pushTip(entry: BlockIndexEntry): void {
    if (entry.height !== this.active.length) throw new Error(`cannot push ${entry.hash} at ${entry.height} onto height ${this.height}`);
    this.active.push(entry);
  }

  popTip(): BlockIndexEntry {
    const entry = this.active.pop();
    if (!entry) throw new Error('cannot pop an empty chain');
    return entry;
  }

  addCandidate(entry: BlockIndexEntry): void {
    if (!entry.isFailed() && entry.has(BlockStatus.HAVE_DATA)) this.candidates.add(entry);
  }

  /** The most-work valid candidate; on equal work the one seen first. */
  bestCandidate(): BlockIndexEntry | undefined {
    let best: BlockIndexEntry | undefined;
    for (const entry of this.candidates) {
      if (entry.isFailed()) {
        this.candidates.delete(entry);
        continue;
      }
      if (!best || entry.chainwork > best.chainwork || (entry.chainwork === best.chainwork && entry.sequence < best.sequence)) {
        best = entry;
      }
    }
    return best;
  }

  /** Forgets candidates that can no longer win: less work than the tip, or on the active chain below it. */
  pruneCandidates(): void {
    const tip = this.tip;
    for (const entry of this.candidates) {
      if (entry !== tip && (entry.chainwork < tip.chainwork || this.contains(entry))) this.candidates.delete(entry);
    }
  }

  /** Marks `entry` failed and every known descendant failed-parent; returns the descendants. */
  markFailed(entry: BlockIndexEntry): BlockIndexEntry[] {
    entry.status |= BlockStatus.FAILED;
    this.candidates.delete(entry);
    const tainted: BlockIndexEntry[] = [];
    for (const other of this.entries.values()) {
      if (other.height > entry.height && !(other.status & FAILED_MASK) && other.ancestorEntry(entry.height) === entry) {
        other.status |= BlockStatus.FAILED_CHILD;
        this.candidates.delete(other);
        tainted.push(other);
      }
    }
    if (this.best?.isFailed()) this.recomputeBest();
    return tainted;
  }

  /** Children of `entry` that are known, for attaching blocks whose data arrived late. */
  childrenOf(entry: BlockIndexEntry): BlockIndexEntry[] {
    const children: BlockIndexEntry[] = [];
    for (const other of this.entries.values()) if (other.parent === entry) children.push(other);
    return children;
  }

  /** Block locator as Bitcoin's: dense for the last 10 blocks, then doubling steps back to genesis. */
  locator(from: BlockIndexEntry = this.tip): string[] {
    const hashes: string[] = [];
    let step = 1;
    let height = from.height;
    while (height > 0) {
      hashes.push(from.ancestorEntry(height)!.hash);
      if (hashes.length >= 10) step *= 2;
      height -= step;
    }
    hashes.push(from.ancestorEntry(0)!.hash);
    return hashes;
  }
}
