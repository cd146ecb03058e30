import { BoundedSet } from '../util/bounded-set.js';

/**
 * Remembers signature checks that passed, so a signature verified on mempool entry is not
 * verified again when its block connects. Keys are hex digests of (sighash, signature, pubkey);
 * only successes are stored, so a cache hit can never make an invalid signature pass.
 * Bounded: when full, the oldest entry is forgotten.
 */
export class SignatureCache {
  private readonly entries: BoundedSet<string>;

  constructor(maxEntries = 200_000) {
    this.entries = new BoundedSet(maxEntries);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string): void {
    this.entries.add(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
