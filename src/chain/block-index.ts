import type { BlockTimeBits, HeaderView } from '../consensus/header-view.js';
import type { BlockHeader } from '../primitives/header.js';
import { BlockStatus } from '../store/layout.js';

export { BlockStatus };

export const FAILED_MASK = BlockStatus.FAILED | BlockStatus.FAILED_CHILD;

/** Core's skip-list heights: lets ancestor() jump back in O(log n) on any branch. */
function invertLowestOne(n: number): number {
  return n & (n - 1);
}

function skipHeight(height: number): number {
  if (height < 2) return 0;
  return height & 1 ? invertLowestOne(invertLowestOne(height - 1)) + 1 : invertLowestOne(height);
}

/** One block the node knows of, on any branch, linked to its parent. */
export class BlockIndexEntry implements HeaderView {
  readonly hash: string;
  readonly height: number;
  readonly chainwork: bigint;
  /** Order in which blocks were first seen: with equal work, the first-seen tip wins. Negative once made precious (preciousblock). */
  sequence: number;
  private readonly skip: BlockIndexEntry | undefined;
  /** Transactions in the block, once its body is known (0 before). */
  txCount = 0;

  constructor(
    readonly header: BlockHeader,
    readonly parent: BlockIndexEntry | undefined,
    work: bigint,
    public status: number,
    sequence: number,
  ) {
    this.hash = header.hash();
    this.height = parent ? parent.height + 1 : 0;
    this.chainwork = (parent?.chainwork ?? 0n) + work;
    this.sequence = sequence;
    this.skip = parent?.ancestorEntry(skipHeight(this.height));
  }

  get time(): number {
    return this.header.time;
  }

  get bits(): number {
    return this.header.bits;
  }

  get hashBytes(): Uint8Array {
    return this.header.hashBytes();
  }

  /** The body is stored (a header-only entry has just passed the header checks). */
  get haveData(): boolean {
    return (this.status & BlockStatus.HAVE_DATA) !== 0;
  }

  has(flag: number): boolean {
    return (this.status & flag) !== 0;
  }

  isFailed(): boolean {
    return (this.status & FAILED_MASK) !== 0;
  }

  ancestor(height: number): BlockTimeBits {
    const entry = this.ancestorEntry(height);
    if (!entry) throw new RangeError(`no ancestor at height ${height} of block ${this.hash} at ${this.height}`);
    return entry;
  }

  ancestorEntry(height: number): BlockIndexEntry | undefined {
    if (height > this.height || height < 0) return undefined;
    let walk: BlockIndexEntry = this;
    let walkHeight = this.height;
    while (walkHeight > height) {
      const jump = skipHeight(walkHeight);
      const jumpPrev = skipHeight(walkHeight - 1);
      if (walk.skip && (jump === height || (jump > height && !(jumpPrev < jump - 2 && jumpPrev >= height)))) {
        walk = walk.skip;
        walkHeight = jump;
      } else {
        walk = walk.parent!;
        walkHeight--;
      }
    }
    return walk;
  }
}

/** The last common block of two branches. */
export function findFork(a: BlockIndexEntry, b: BlockIndexEntry): BlockIndexEntry {
  let x: BlockIndexEntry | undefined = a.height > b.height ? a.ancestorEntry(b.height) : a;
  let y: BlockIndexEntry | undefined = b.height > a.height ? b.ancestorEntry(a.height) : b;
  while (x && y && x !== y) {
    x = x.parent;
    y = y.parent;
  }
  if (!x || x !== y) throw new Error(`blocks ${a.hash} and ${b.hash} share no ancestor`);
  return x;
}
