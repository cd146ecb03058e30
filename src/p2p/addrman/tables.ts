/**
 * The address book's storage: every entry by peer id, and the new and tried tables of keyed
 * buckets that hold them (Core's vvNew/vvTried with their reference counts). It keeps the
 * invariants; which entry goes where, and when, is the book's policy (addrman.ts).
 *
 * Invariants: an entry is either in the tried table (one slot, no new references) or in 1..8
 * slots of the new table (`newRefs`, the buckets holding it; the slot inside a bucket follows from
 * the bucket and the peer id). An entry that loses its last new reference is deleted.
 */
import { randomInt } from 'node:crypto';
import { bucketPosition, newBucket, triedBucket } from './buckets.js';
import { groupOf } from './groups.js';
import type { ResolvedAddrManOptions } from './options.js';
import type { AddressEntry, AddressRecord } from './types.js';

/** Core's ADDRMAN_NEW_BUCKETS_PER_ADDRESS: how many new buckets may reference one entry. */
export const NEW_BUCKETS_PER_ADDRESS = 8;

/** One address book entry as the tables keep it. */
export interface BookEntry {
  peerId: string;
  multiaddrs: string[];
  services: number;
  lastSeen: number;
  group: string;
  sourceGroup: string;
  lastSuccess: number;
  lastTry: number;
  /** When a failed attempt was last counted (Core's nLastCountAttempt). */
  lastCountAttempt: number;
  attempts: number;
  tried: boolean;
  /** New-table buckets referencing this entry (Core's nRefCount is its length). */
  newRefs: number[];
}

export class BucketTables {
  readonly byId = new Map<string, BookEntry>();
  /** Entries waiting for a test before they may evict a tried incumbent (Core's m_tried_collisions). */
  readonly collisions = new Set<string>();
  private readonly newSlots: (string | undefined)[];
  private readonly triedSlots: (string | undefined)[];
  /** Filled slots per bucket, so randomEntry() skips empty buckets without scanning them. */
  private readonly newFill: Uint16Array;
  private readonly triedFill: Uint16Array;
  private triedTotal = 0;

  constructor(
    private readonly options: ResolvedAddrManOptions,
    /** The book's secret bucketing key. */
    readonly key: Uint8Array,
  ) {
    this.newSlots = new Array(options.newBuckets * options.bucketSize);
    this.triedSlots = new Array(options.triedBuckets * options.bucketSize);
    this.newFill = new Uint16Array(options.newBuckets);
    this.triedFill = new Uint16Array(options.triedBuckets);
  }

  get triedCount(): number {
    return this.triedTotal;
  }

  /** A new entry, in no table yet. */
  create(record: AddressRecord, penalty: number, sourceGroup: string): BookEntry {
    const info: BookEntry = {
      peerId: record.peerId,
      multiaddrs: record.multiaddrs,
      services: record.services,
      lastSeen: Math.max(0, record.lastSeen - penalty),
      group: groupOf(record.multiaddrs[0], record.peerId),
      sourceGroup,
      lastSuccess: 0,
      lastTry: 0,
      lastCountAttempt: 0,
      attempts: 0,
      tried: false,
      newRefs: [],
    };
    this.byId.set(info.peerId, info);
    return info;
  }

  remove(peerId: string): boolean {
    const info = this.byId.get(peerId);
    if (!info) return false;
    this.dropNewRefs(info);
    if (info.tried) this.clearTried(this.triedIndex(info));
    this.collisions.delete(peerId);
    this.byId.delete(peerId);
    return true;
  }

  /** The new bucket an entry's group and source group map to. */
  newBucketOf(info: BookEntry, sourceGroup = info.sourceGroup): number {
    return newBucket(this.key, info.group, sourceGroup, this.options.newBuckets);
  }

  newIndex(bucket: number, peerId: string): number {
    return bucket * this.options.bucketSize + bucketPosition(this.key, true, bucket, peerId, this.options.bucketSize);
  }

  triedIndex(info: BookEntry): number {
    const bucket = triedBucket(this.key, info.peerId, info.group, this.options.triedBuckets);
    return bucket * this.options.bucketSize + bucketPosition(this.key, false, bucket, info.peerId, this.options.bucketSize);
  }

  /** Who holds a new-table slot. */
  newAt(index: number): BookEntry | undefined {
    const peerId = this.newSlots[index];
    return peerId === undefined ? undefined : this.byId.get(peerId);
  }

  /** Who holds an entry's tried slot (the entry itself once it is tried). */
  triedIncumbent(info: BookEntry): BookEntry | undefined {
    const peerId = this.triedSlots[this.triedIndex(info)];
    return peerId === undefined ? undefined : this.byId.get(peerId);
  }

  placeNew(info: BookEntry, bucket: number, index: number): void {
    this.newSlots[index] = info.peerId;
    this.newFill[bucket]++;
    info.newRefs.push(bucket);
  }

  /** Empties a new-table slot; an entry left without references is deleted (Core's ClearNew). */
  clearNew(index: number): void {
    const peerId = this.newSlots[index];
    if (peerId === undefined) return;
    const bucket = Math.floor(index / this.options.bucketSize);
    this.newSlots[index] = undefined;
    this.newFill[bucket]--;
    const info = this.byId.get(peerId)!;
    info.newRefs.splice(info.newRefs.indexOf(bucket), 1);
    if (info.newRefs.length === 0 && !info.tried) {
      this.byId.delete(peerId);
      this.collisions.delete(peerId);
    }
  }

  /** Moves an entry into its tried slot; the incumbent, if any, goes back to its new bucket. */
  makeTried(info: BookEntry): void {
    const index = this.triedIndex(info);
    this.dropNewRefs(info);
    const incumbentId = this.triedSlots[index];
    if (incumbentId !== undefined) {
      const incumbent = this.byId.get(incumbentId)!;
      this.clearTried(index);
      const bucket = this.newBucketOf(incumbent);
      const newIndex = this.newIndex(bucket, incumbent.peerId);
      this.clearNew(newIndex);
      this.placeNew(incumbent, bucket, newIndex);
    }
    this.triedSlots[index] = info.peerId;
    this.triedFill[Math.floor(index / this.options.bucketSize)]++;
    info.tried = true;
    this.triedTotal++;
  }

  /** A uniformly random bucket with something in it, then a random filled slot of it (Core's Select_ walk). */
  randomEntry(tried: boolean): BookEntry {
    const fill = tried ? this.triedFill : this.newFill;
    const slots = tried ? this.triedSlots : this.newSlots;
    const size = this.options.bucketSize;
    for (;;) {
      const bucket = randomInt(fill.length);
      if (fill[bucket] === 0) continue;
      const start = randomInt(size);
      for (let i = 0; i < size; i++) {
        const peerId = slots[bucket * size + ((start + i) % size)];
        if (peerId !== undefined) return this.byId.get(peerId)!;
      }
    }
  }

  private clearTried(index: number): void {
    const peerId = this.triedSlots[index];
    if (peerId === undefined) return;
    this.triedSlots[index] = undefined;
    this.triedFill[Math.floor(index / this.options.bucketSize)]--;
    this.byId.get(peerId)!.tried = false;
    this.triedTotal--;
  }

  /** Removes every new-table reference of an entry that stays in the book (moving to tried). */
  private dropNewRefs(info: BookEntry): void {
    for (const bucket of info.newRefs) {
      this.newSlots[this.newIndex(bucket, info.peerId)] = undefined;
      this.newFill[bucket]--;
    }
    info.newRefs = [];
  }
}

export function toEntry(info: BookEntry): AddressEntry {
  return {
    peerId: info.peerId,
    multiaddrs: [...info.multiaddrs],
    services: info.services,
    lastSeen: info.lastSeen,
    group: info.group,
    sourceGroup: info.sourceGroup,
    lastSuccess: info.lastSuccess,
    lastTry: info.lastTry,
    attempts: info.attempts,
    tried: info.tried,
  };
}
