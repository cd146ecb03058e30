/**
 * A map that holds at most `capacity` entries and forgets the oldest first: the bounded memory
 * behind BoundedSet and the store's clean coins. Setting a key again makes it the newest. A Map
 * iterates in insertion order, so the oldest entry is always the first one. A capacity of 0
 * holds nothing (a cache turned off).
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  /**
   * Walks the map from its oldest key and is kept between evictions. A fresh `keys().next()`
   * would scan from the table's start over every slot deleted since its last rehash (the
   * evicted, and those set again as newest): 2,000 adds to a full set of 100,000 took 6.8 ms
   * that way, 1.9–3.7 ms with this iterator. Everything before this iterator's position has been
   * deleted, and a key set again is met again at its new place, so its next value is always the
   * oldest key. It is never exhausted: it only advances while the map holds more than
   * `capacity` entries, all of them ahead of it. It is made at the first eviction: a live
   * iterator keeps every table the map has outgrown (and what they held) until it moves, and
   * one made while the map fills would not move until then.
   */
  private oldest: MapIterator<K> | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`a bounded map needs a capacity of 0 or more, got ${capacity}`);
  }

  /** Sets `key` as the newest entry, dropping the oldest past the capacity. */
  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete((this.oldest ??= this.entries.keys()).next().value as K);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.oldest = undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
