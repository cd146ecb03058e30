import { BoundedSet } from '../util/bounded-set.js';

/**
 * Core's script execution cache: the wtxids of transactions whose every input passed the
 * consensus script rules (structure, encodings, sighash and ECDSA), so a block holding a tx the
 * mempool already accepted skips its script checks altogether, not only the ECDSA equations the
 * signature cache answers. Keyed by wtxid, as Core keys by wtxid and script flags:
 * - the wtxid commits to every input's scriptSig and witness, and the txid inside it to each
 *   prevout; an outpoint always names the same output (its txid commits to the output's value
 *   and script), so the coins a tx spends, where they exist, are always the same coins;
 * - our script rules (P2WPKH, BIP143, low-S, strict encodings) are the same at every height,
 *   so there are no flags to add. Should rules ever depend on height, the key must grow them.
 * Only full successes are added; a hit can never make a failing script pass.
 */
export class ScriptCache {
  private readonly entries: BoundedSet<string>;
  /** Lookups answered / not answered, for metrics and tests. */
  hits = 0;
  misses = 0;

  constructor(maxEntries = 100_000) {
    this.entries = new BoundedSet(maxEntries);
  }

  has(wtxid: string): boolean {
    const found = this.entries.has(wtxid);
    if (found) this.hits++;
    else this.misses++;
    return found;
  }

  add(wtxid: string): void {
    this.entries.add(wtxid);
  }

  get size(): number {
    return this.entries.size;
  }
}
