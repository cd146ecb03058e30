import type { Block } from '../primitives/block.js';
import { toHex } from '../primitives/bytes.js';
import { sha256 } from '../primitives/hash.js';

interface Orphan {
  block: Block;
  hash: string;
  /** sha256 of the whole serialization: tells apart copies of one block with different witnesses. */
  content: string;
  parent: string;
  bytes: number;
}

export interface OrphanPoolOptions {
  maxBlocks: number;
  maxBytes: number;
}

export const DEFAULT_ORPHAN_POOL: OrphanPoolOptions = { maxBlocks: 200, maxBytes: 64 * 1024 * 1024 };

/**
 * Copies of one block hash held at once. An orphan is only checked without context, so its
 * witnesses are not yet checked against the commitment: a relay can send the real header with
 * altered witnesses before the real block. Holding a few copies means the forged one cannot make
 * us turn the real one away as a duplicate; when the parent comes, each is tried until one fits.
 */
export const MAX_COPIES_PER_HASH = 4;

/**
 * Blocks whose parent we have not seen yet, keyed by parent so they can be processed the
 * moment it arrives. Bounded by count and bytes; the oldest are dropped first, since a peer
 * can send us endless orphans at no cost (they are only PoW-checked).
 */
export class OrphanPool {
  /** By content id, oldest first. */
  private readonly byContent = new Map<string, Orphan>();
  /** Block hash to the content ids of its copies, oldest first. */
  private readonly byHash = new Map<string, string[]>();
  private readonly byParent = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(private readonly options: OrphanPoolOptions = DEFAULT_ORPHAN_POOL) {}

  /** Whether some copy of this block is held. */
  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** Whether this very copy (same bytes) is held. */
  holds(block: Block): boolean {
    // Same bytes means same header, so the hash rules most blocks out without hashing ~1 MB.
    if (!this.byHash.has(block.hash())) return false;
    return this.byContent.has(contentId(block));
  }

  /** Blocks held, counting each copy. */
  get size(): number {
    return this.byContent.size;
  }

  add(block: Block, bytes: number): void {
    const content = contentId(block);
    if (this.byContent.has(content)) return;
    const hash = block.hash();
    const copies = this.byHash.get(hash) ?? [];
    if (copies.length >= MAX_COPIES_PER_HASH) this.remove(copies[0]);
    const orphan: Orphan = { block, hash, content, parent: block.header.prevHashHex(), bytes };
    this.byContent.set(content, orphan);
    this.byHash.set(hash, [...(this.byHash.get(hash) ?? []), content]);
    let siblings = this.byParent.get(orphan.parent);
    if (!siblings) this.byParent.set(orphan.parent, (siblings = new Set()));
    siblings.add(content);
    this.bytes += bytes;
    this.evict();
  }

  /** Removes and returns the orphans waiting for `parent`, every copy, oldest first. */
  takeChildren(parent: string): Block[] {
    const contents = this.byParent.get(parent);
    if (!contents) return [];
    const blocks: Block[] = [];
    for (const content of [...contents]) {
      const orphan = this.byContent.get(content);
      if (orphan) blocks.push(orphan.block);
      this.remove(content);
    }
    return blocks;
  }

  /** The earliest missing ancestor of an orphan: the block sync should ask for. */
  rootOf(hash: string): string | undefined {
    let orphan = this.first(hash);
    if (!orphan) return undefined;
    for (let guard = 0; guard <= this.byContent.size; guard++) {
      const parent = this.first(orphan.parent);
      if (!parent) return orphan.parent;
      orphan = parent;
    }
    return orphan.parent;
  }

  private first(hash: string): Orphan | undefined {
    const content = this.byHash.get(hash)?.[0];
    return content === undefined ? undefined : this.byContent.get(content);
  }

  private remove(content: string): void {
    const orphan = this.byContent.get(content);
    if (!orphan) return;
    this.byContent.delete(content);
    this.bytes -= orphan.bytes;
    const copies = this.byHash.get(orphan.hash)?.filter((other) => other !== content) ?? [];
    if (copies.length > 0) this.byHash.set(orphan.hash, copies);
    else this.byHash.delete(orphan.hash);
    const siblings = this.byParent.get(orphan.parent);
    siblings?.delete(content);
    if (siblings && siblings.size === 0) this.byParent.delete(orphan.parent);
  }

  private evict(): void {
    for (const content of this.byContent.keys()) {
      if (this.byContent.size <= this.options.maxBlocks && this.bytes <= this.options.maxBytes) return;
      this.remove(content);
    }
  }
}

function contentId(block: Block): string {
  return toHex(sha256(block.encode()));
}
