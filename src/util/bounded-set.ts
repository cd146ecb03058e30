/**
 * A set that remembers at most `capacity` members and forgets the oldest first: the bounded
 * memory of what was already seen (gossip heard, txids recently mined, signatures verified).
 * Adding a member again makes it the newest. A Set iterates in insertion order, so the oldest
 * member is always the first one.
 */
export class BoundedSet<T> {
  private readonly items = new Set<T>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a bounded set needs a positive integer capacity, got ${capacity}`);
  }

  add(item: T): void {
    this.items.delete(item);
    this.items.add(item);
    if (this.items.size > this.capacity) this.items.delete(this.items.values().next().value as T);
  }

  delete(item: T): boolean {
    return this.items.delete(item);
  }

  has(item: T): boolean {
    return this.items.has(item);
  }

  get size(): number {
    return this.items.size;
  }
}
