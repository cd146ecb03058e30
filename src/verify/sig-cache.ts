/**
 * Remembers signature checks that passed, so a signature verified on mempool entry is not
 * verified again when its block connects. Keys are hex digests of (sighash, signature, pubkey);
 * only successes are stored, so a cache hit can never make an invalid signature pass.
 * Bounded: when full, the oldest half of the entries is dropped (a Set iterates in insertion order).
 */
export class SignatureCache {
  private readonly entries = new Set<string>();

  constructor(private readonly maxEntries = 200_000) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string): void {
    if (this.entries.size >= this.maxEntries) this.evictOldestHalf();
    this.entries.add(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldestHalf(): void {
    let toDrop = Math.ceil(this.entries.size / 2);
    for (const key of this.entries) {
      if (toDrop-- <= 0) break;
      this.entries.delete(key);
    }
  }
}
