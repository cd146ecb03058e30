import type { Block } from '../primitives/block.js';

/**
 * Bodies of blocks being processed, with their writes to LevelDB. The write runs while the block
 * is validated; connecting does not read back what was just written; a read of the body before
 * the write lands is answered from here. A failed write is thrown where it is awaited.
 */
export class PendingBodies {
  private readonly bodies = new Map<string, { block: Block; written: Promise<void> }>();

  /** Remembers `block` while `written` (its body's write) is under way. */
  add(hash: string, block: Block, written: Promise<void>): void {
    written.catch(() => undefined); // thrown where awaited, never as an unhandled rejection
    this.bodies.set(hash, { block, written });
  }

  block(hash: string): Block | undefined {
    return this.bodies.get(hash)?.block;
  }

  /** Waits for the body's write, if it is pending (throwing its failure). */
  async written(hash: string): Promise<void> {
    await this.bodies.get(hash)?.written;
  }

  /** Waits for the body's write and forgets the body. */
  async settle(hash: string): Promise<void> {
    try {
      await this.written(hash);
    } finally {
      this.bodies.delete(hash);
    }
  }
}
