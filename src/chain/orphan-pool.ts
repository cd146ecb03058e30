import type { Block } from '../primitives/block.js';

interface Orphan {
  block: Block;
  hash: string;
  parent: string;
  bytes: number;
}

export interface OrphanPoolOptions {
  maxBlocks: number;
  maxBytes: number;
}

export const DEFAULT_ORPHAN_POOL: OrphanPoolOptions = { maxBlocks: 200, maxBytes: 64 * 1024 * 1024 };

/**
 * Blocks whose parent we have not seen yet, keyed by parent so they can be processed the
 * moment it arrives. Bounded by count and bytes; the oldest are dropped first, since a peer
 * can send us endless orphans at no cost (they are only PoW-checked).
 */
export class OrphanPool {
  private readonly byHash = new Map<string, Orphan>();
  private readonly byParent = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(private readonly options: OrphanPoolOptions = DEFAULT_ORPHAN_POOL) {}

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  get size(): number {
    return this.byHash.size;
  }

  add(block: Block, bytes: number): void {
    const hash = block.hash();
    if (this.byHash.has(hash)) return;
    const orphan: Orphan = { block, hash, parent: block.header.prevHashHex(), bytes };
    this.byHash.set(hash, orphan);
    let siblings = this.byParent.get(orphan.parent);
    if (!siblings) this.byParent.set(orphan.parent, (siblings = new Set()));
    siblings.add(hash);
    this.bytes += bytes;
    this.evict();
  }

  /** Removes and returns the orphans waiting for `parent`. */
  takeChildren(parent: string): Block[] {
    const hashes = this.byParent.get(parent);
    if (!hashes) return [];
    const blocks: Block[] = [];
    for (const hash of [...hashes]) {
      const orphan = this.byHash.get(hash);
      if (orphan) blocks.push(orphan.block);
      this.remove(hash);
    }
    return blocks;
  }

  /** The earliest missing ancestor of an orphan: the block sync should ask for. */
  rootOf(hash: string): string | undefined {
    let orphan = this.byHash.get(hash);
    if (!orphan) return undefined;
    for (let guard = 0; guard <= this.byHash.size; guard++) {
      const parent = this.byHash.get(orphan.parent);
      if (!parent) return orphan.parent;
      orphan = parent;
    }
    return orphan.parent;
  }

  private remove(hash: string): void {
    const orphan = this.byHash.get(hash);
    if (!orphan) return;
    this.byHash.delete(hash);
    this.bytes -= orphan.bytes;
    const siblings = this.byParent.get(orphan.parent);
    siblings?.delete(hash);
    if (siblings && siblings.size === 0) this.byParent.delete(orphan.parent);
  }

  private evict(): void {
    for (const hash of this.byHash.keys()) {
      if (this.byHash.size <= this.options.maxBlocks && this.bytes <= this.options.maxBytes) return;
      this.remove(hash);
    }
  }
}
