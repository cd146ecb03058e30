import { BoundedMap } from './bounded-map.js';

/**
 * A set that remembers at most `capacity` members and forgets the oldest first: the bounded
 * memory of what was already seen (gossip heard, txids recently mined, signatures verified).
 * Adding a member again makes it the newest (see BoundedMap, which holds them).
 */
export class BoundedSet<T> {
  private readonly items: BoundedMap<T, true>;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a bounded set needs a positive integer capacity, got ${capacity}`);
    this.items = new BoundedMap(capacity);
  }

  add(item: T): void {
    this.items.set(item, true);
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
