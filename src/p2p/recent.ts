/** A set that forgets its oldest member past `capacity`: memory of what we already heard, bounded. */
export class RecentSet {
  private readonly items = new Set<string>();

  constructor(private readonly capacity: number) {}

  add(item: string): void {
    this.items.delete(item);
    this.items.add(item);
    if (this.items.size > this.capacity) this.items.delete(this.items.values().next().value as string);
  }

  delete(item: string): boolean {
    return this.items.delete(item);
  }

  has(item: string): boolean {
    return this.items.has(item);
  }
}
