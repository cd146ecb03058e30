/** What the difficulty and time rules need to know about one block. */
export interface BlockTimeBits {
  readonly time: number;
  readonly bits: number;
}

/**
 * A block at a known height that can reach its own ancestors: the chain store's in-memory block
 * index implements it, so the rules never depend on how headers are stored.
 */
export interface HeaderView extends BlockTimeBits {
  readonly height: number;
  /** The block at `height` (0 <= height <= this.height) on this block's own branch. */
  ancestor(height: number): BlockTimeBits;
}

/** A HeaderView over a list indexed by height (entries[0] is genesis), e.g. a validated header run. */
export function listHeaderView(entries: readonly BlockTimeBits[], height: number): HeaderView {
  if (!Number.isInteger(height) || height < 0 || height >= entries.length) {
    throw new RangeError(`height ${height} is outside the list of ${entries.length} headers`);
  }
  const tip = entries[height];
  return {
    height,
    time: tip.time,
    bits: tip.bits,
    ancestor(h: number): BlockTimeBits {
      if (!Number.isInteger(h) || h < 0 || h > height) throw new RangeError(`no ancestor at height ${h} below ${height}`);
      return entries[h];
    },
  };
}
