/**
 * The address book: Bitcoin Core's addrman (new and tried tables of keyed buckets) for libp2p
 * peers, keyed by peer id. See docs/p2p.md "Address book" for the design and where it differs
 * from Core.
 *
 * Invariants: an entry is either in the tried table (one slot, no new references) or in 1..8
 * slots of the new table (`newRefs`, the buckets holding it; the slot inside a bucket follows from
 * the bucket and the peer id). An entry that loses its last new reference is deleted.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';

import { bucketPosition, newBucket, triedBucket } from './buckets.js';
import { groupOf } from './groups.js';
import { resolveAddrManOptions, type AddrManModules, type AddrManOptions, type ResolvedAddrManOptions } from './options.js';
import { PEERS_FILE, readBook, writeBook, type BookSnapshot, type StoredEntry } from './persist.js';
import { chance, DAY, HOUR, isTerrible, MINUTE } from './terrible.js';
import type { AddressBook, AddressEntry, AddressRecord, AddressSource } from './types.js';
import { dialableMultiaddrs, isServices, isValidPeerId } from './validate.js';
import { type Logger, silentLogger } from '../../util/logger.js';

/** Core's ADDRMAN_NEW_BUCKETS_PER_ADDRESS: how many new buckets may reference one entry. */
export const NEW_BUCKETS_PER_ADDRESS = 8;
/** Core's ADDRMAN_SET_TRIED_COLLISION_SIZE: pending tried collisions kept for testing. */
export const TRIED_COLLISION_SIZE = 10;
/** Core's ADDRMAN_REPLACEMENT: an incumbent that answered within this keeps its tried slot. */
export const REPLACEMENT_MS = 4 * HOUR;
/** Core's ADDRMAN_TEST_WINDOW: a collision not settled by a test within this evicts the incumbent. */
export const TEST_WINDOW_MS = 40 * MINUTE;
/** Addresses claiming to be this far ahead (or absurdly old) are treated as five days old, as Core does. */
const FUTURE_LIMIT_MS = 10 * MINUTE;
const UNKNOWN_AGE_MS = 5 * DAY;
const MIN_PLAUSIBLE_TIME = 100_000_000_000; // Core's nTime <= 100000000 (1973), in ms

interface Info {
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

export class AddrMan implements AddressBook {
  private readonly entriesById = new Map<string, Info>();
  private readonly newSlots: (string | undefined)[];
  private readonly triedSlots: (string | undefined)[];
  /** Filled slots per bucket, so select() skips empty buckets without scanning them. */
  private readonly newFill: Uint16Array;
  private readonly triedFill: Uint16Array;
  private readonly collisions = new Set<string>();
  private triedCount = 0;
  /** Last good() (Core's nLastGood): failures only count once per success anywhere, so being offline costs nothing. */
  private lastGood = 1;
  private writing: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly logger: Logger;

  private constructor(
    private readonly options: ResolvedAddrManOptions,
    private readonly key: Uint8Array,
    private readonly file: string | undefined,
    modules: AddrManModules,
  ) {
    this.now = options.now;
    this.logger = modules.logger ?? silentLogger;
    this.newSlots = new Array(options.newBuckets * options.bucketSize);
    this.triedSlots = new Array(options.triedBuckets * options.bucketSize);
    this.newFill = new Uint16Array(options.newBuckets);
    this.triedFill = new Uint16Array(options.triedBuckets);
  }

  /** Opens the book in `dataDir` (created empty, with a new secret key, when absent), or in memory. */
  static async open(options: AddrManOptions = {}, modules: AddrManModules = {}): Promise<AddrMan> {
    const resolved = resolveAddrManOptions(options);
    const logger = modules.logger ?? silentLogger;
    const file = resolved.dataDir === undefined ? undefined : join(resolved.dataDir, PEERS_FILE);
    const snapshot = file === undefined ? undefined : await readBook(file, logger);
    const book = new AddrMan(resolved, snapshot?.key ?? new Uint8Array(randomBytes(32)), file, modules);
    if (snapshot) book.restore(snapshot);
    return book;
  }

  get size(): number {
    return this.entriesById.size;
  }

  /** Entries in the tried table. */
  get triedSize(): number {
    return this.triedCount;
  }

  /** Entries in the new table. */
  get newSize(): number {
    return this.entriesById.size - this.triedCount;
  }

  add(records: readonly AddressRecord[], source: AddressSource, penaltyMs = 0): number {
    const now = this.now();
    const sourceGroup = groupOf(source.multiaddr, source.peerId);
    let added = 0;
    let dropped = 0;
    for (const record of records) {
      const clean = this.sanitise(record, now);
      if (clean === undefined) dropped++;
      else if (this.addOne(clean, source.peerId === clean.peerId ? 0 : Math.max(0, penaltyMs), sourceGroup)) added++;
    }
    if (dropped > 0) this.logger.debug({ source: source.peerId, dropped }, 'addrman: dropped invalid address records');
    return added;
  }

  good(peerId: string, now = this.now()): void {
    const info = this.entriesById.get(peerId);
    if (info) this.markGood(info, true, now);
  }

  attempt(peerId: string, countFailure: boolean, now = this.now()): void {
    const info = this.entriesById.get(peerId);
    if (!info) return;
    info.lastTry = now;
    if (countFailure && info.lastCountAttempt < this.lastGood) {
      info.lastCountAttempt = now;
      info.attempts++;
    }
  }

  connected(peerId: string, now = this.now()): void {
    const info = this.entriesById.get(peerId);
    // Refresh at most every 20 minutes, so lastSeen does not reveal who we are connected to right now.
    if (info && now - info.lastSeen > 20 * MINUTE) info.lastSeen = now;
  }

  select(newOnly = false): AddressEntry | undefined {
    if (this.size === 0 || (newOnly && this.newSize === 0)) return undefined;
    const tried = !newOnly && this.triedCount > 0 && (this.newSize === 0 || randomInt(2) === 0);
    const now = this.now();
    let factor = 1;
    for (;;) {
      const info = this.randomEntry(tried);
      // Core: accept with probability chance × factor; the factor grows so the loop always ends.
      if (Math.random() < factor * chance(info, now)) return toEntry(info);
      factor *= 1.2;
    }
  }

  getAddr(maxAddresses = 1000, maxPct = 23): AddressEntry[] {
    const all = [...this.entriesById.values()];
    let wanted = all.length;
    if (maxPct > 0) wanted = Math.floor((maxPct * wanted) / 100);
    if (maxAddresses > 0) wanted = Math.min(wanted, maxAddresses);
    const now = this.now();
    const out: AddressEntry[] = [];
    // A partial Fisher-Yates shuffle: each step draws one not yet drawn.
    for (let n = 0; n < all.length && out.length < wanted; n++) {
      const pick = n + randomInt(all.length - n);
      [all[n], all[pick]] = [all[pick], all[n]];
      if (!isTerrible(all[n], now)) out.push(toEntry(all[n]));
    }
    return out;
  }

  selectTriedCollision(): AddressEntry | undefined {
    if (this.collisions.size === 0) return undefined;
    const ids = [...this.collisions];
    const candidate = this.entriesById.get(ids[randomInt(ids.length)]);
    if (!candidate || candidate.tried) {
      if (candidate) this.collisions.delete(candidate.peerId);
      return undefined;
    }
    const incumbent = this.triedSlots[this.triedIndex(candidate)];
    return incumbent === undefined ? undefined : toEntry(this.entriesById.get(incumbent)!);
  }

  resolveCollisions(now = this.now()): void {
    for (const peerId of [...this.collisions]) {
      const candidate = this.entriesById.get(peerId);
      if (!candidate || candidate.tried || this.settleCollision(candidate, now)) this.collisions.delete(peerId);
    }
  }

  get(peerId: string): AddressEntry | undefined {
    const info = this.entriesById.get(peerId);
    return info && toEntry(info);
  }

  remove(peerId: string): boolean {
    const info = this.entriesById.get(peerId);
    if (!info) return false;
    this.dropNewRefs(info);
    if (info.tried) this.clearTried(this.triedIndex(info));
    this.collisions.delete(peerId);
    this.entriesById.delete(peerId);
    return true;
  }

  /** Where an entry sits: its tried bucket, or the new buckets referencing it (diagnostics and tests). */
  placement(peerId: string): { tried: boolean; buckets: number[] } | undefined {
    const info = this.entriesById.get(peerId);
    if (!info) return undefined;
    if (info.tried) return { tried: true, buckets: [Math.floor(this.triedIndex(info) / this.options.bucketSize)] };
    return { tried: false, buckets: [...info.newRefs] };
  }

  entries(): AddressEntry[] {
    return [...this.entriesById.values()].map(toEntry);
  }

  /** Writes the book (serialised: a flush waits for the one before it). */
  flush(): Promise<void> {
    const file = this.file;
    if (file === undefined) return Promise.resolve();
    const write = this.writing.catch(() => undefined).then(() => writeBook(file, this.snapshot()));
    this.writing = write;
    return write;
  }

  // --- adding ---------------------------------------------------------------------------------

  /** The record made safe to store, or undefined when it must be dropped. */
  private sanitise(record: AddressRecord, now: number): AddressRecord | undefined {
    if (record === null || typeof record !== 'object' || !isValidPeerId(record.peerId)) return undefined;
    const multiaddrs = dialableMultiaddrs(record.multiaddrs, record.peerId);
    if (multiaddrs === undefined) return undefined;
    const services = isServices(record.services) ? record.services : 0;
    let lastSeen = typeof record.lastSeen === 'number' && Number.isFinite(record.lastSeen) ? Math.floor(record.lastSeen) : 0;
    // Core's ProcessAddr: a time from the future or from before 1973 becomes "five days ago".
    if (lastSeen <= MIN_PLAUSIBLE_TIME || lastSeen > now + FUTURE_LIMIT_MS) lastSeen = now - UNKNOWN_AGE_MS;
    return { peerId: record.peerId, multiaddrs, services, lastSeen };
  }

  /** Core's AddSingle. True when the address was new to the book and took a slot. */
  private addOne(record: AddressRecord, penalty: number, sourceGroup: string): boolean {
    let info = this.entriesById.get(record.peerId);
    const isNew = info === undefined;
    if (info) {
      // Refresh lastSeen now and then (hourly when the peer is online), never from every relay.
      const interval = this.now() - record.lastSeen < DAY ? HOUR : DAY;
      if (info.lastSeen < record.lastSeen - interval - penalty) info.lastSeen = Math.max(0, record.lastSeen - penalty);
      info.services = (info.services | record.services) >>> 0;
      if (record.lastSeen <= info.lastSeen || info.tried) return false;
      const refs = info.newRefs.length;
      if (refs >= NEW_BUCKETS_PER_ADDRESS) return false;
      // Each further reference is twice as hard to get as the one before (2^refs).
      if (refs > 0 && randomInt(2 ** refs) !== 0) return false;
    } else {
      info = this.create(record, penalty, sourceGroup);
    }
    const bucket = newBucket(this.key, info.group, sourceGroup, this.options.newBuckets);
    if (info.newRefs.includes(bucket)) return false;
    const index = this.newIndex(bucket, info.peerId);
    const incumbentId = this.newSlots[index];
    let insert = incumbentId === undefined;
    if (!insert) {
      const incumbent = this.entriesById.get(incumbentId!)!;
      // Core: the slot goes to the newcomer only if the incumbent is terrible, or the newcomer has
      // no other reference while the incumbent has several.
      insert = isTerrible(incumbent, this.now()) || (incumbent.newRefs.length > 1 && info.newRefs.length === 0);
    }
    if (insert) {
      this.clearNew(index);
      this.placeNew(info, bucket, index);
      return isNew;
    }
    if (info.newRefs.length === 0) this.entriesById.delete(info.peerId);
    return false;
  }

  private create(record: AddressRecord, penalty: number, sourceGroup: string): Info {
    const info: Info = {
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
    this.entriesById.set(info.peerId, info);
    return info;
  }

  // --- tried table ----------------------------------------------------------------------------

  /** Core's Good_: success resets the failures and moves the entry to tried (or queues a collision). */
  private markGood(info: Info, testBeforeEvict: boolean, now: number): void {
    info.lastSuccess = now;
    info.lastTry = now;
    info.attempts = 0;
    this.lastGood = now;
    // lastSeen is not updated here, so it does not reveal which peers we are connected to.
    if (info.tried || info.newRefs.length === 0) return;
    const index = this.triedIndex(info);
    if (testBeforeEvict && this.triedSlots[index] !== undefined) {
      if (this.collisions.size < TRIED_COLLISION_SIZE) this.collisions.add(info.peerId);
      return;
    }
    this.makeTried(info, index);
  }

  /** Moves an entry into its tried slot; the incumbent, if any, goes back to its new bucket. */
  private makeTried(info: Info, index: number): void {
    this.dropNewRefs(info);
    const incumbentId = this.triedSlots[index];
    if (incumbentId !== undefined) {
      const incumbent = this.entriesById.get(incumbentId)!;
      this.clearTried(index);
      const bucket = newBucket(this.key, incumbent.group, incumbent.sourceGroup, this.options.newBuckets);
      const newIndex = this.newIndex(bucket, incumbent.peerId);
      this.clearNew(newIndex);
      this.placeNew(incumbent, bucket, newIndex);
    }
    this.triedSlots[index] = info.peerId;
    this.triedFill[Math.floor(index / this.options.bucketSize)]++;
    info.tried = true;
    this.triedCount++;
  }

  /** Core's ResolveCollisions_ for one candidate; true when the collision is settled. */
  private settleCollision(candidate: Info, now: number): boolean {
    const index = this.triedIndex(candidate);
    const incumbentId = this.triedSlots[index];
    if (incumbentId === undefined) {
      this.markGood(candidate, false, now); // the slot emptied meanwhile
      return true;
    }
    const incumbent = this.entriesById.get(incumbentId)!;
    if (now - incumbent.lastSuccess < REPLACEMENT_MS) return true; // it answered recently: it stays
    if (now - incumbent.lastTry < REPLACEMENT_MS) {
      // Tested recently and not answered: after a minute for the test, the candidate takes over.
      if (now - incumbent.lastTry <= MINUTE) return false;
      this.markGood(candidate, false, now);
      return true;
    }
    if (now - candidate.lastSuccess > TEST_WINDOW_MS) {
      // Nobody tested the incumbent in time: it must be unreachable, evict it.
      this.markGood(candidate, false, now);
      return true;
    }
    return false;
  }

  private clearTried(index: number): void {
    const peerId = this.triedSlots[index];
    if (peerId === undefined) return;
    this.triedSlots[index] = undefined;
    this.triedFill[Math.floor(index / this.options.bucketSize)]--;
    this.entriesById.get(peerId)!.tried = false;
    this.triedCount--;
  }

  // --- new table ------------------------------------------------------------------------------

  private placeNew(info: Info, bucket: number, index: number): void {
    this.newSlots[index] = info.peerId;
    this.newFill[bucket]++;
    info.newRefs.push(bucket);
  }

  /** Empties a new-table slot; an entry left without references is deleted (Core's ClearNew). */
  private clearNew(index: number): void {
    const peerId = this.newSlots[index];
    if (peerId === undefined) return;
    const bucket = Math.floor(index / this.options.bucketSize);
    this.newSlots[index] = undefined;
    this.newFill[bucket]--;
    const info = this.entriesById.get(peerId)!;
    info.newRefs.splice(info.newRefs.indexOf(bucket), 1);
    if (info.newRefs.length === 0 && !info.tried) {
      this.entriesById.delete(peerId);
      this.collisions.delete(peerId);
    }
  }

  /** Removes every new-table reference of an entry that stays in the book (moving to tried). */
  private dropNewRefs(info: Info): void {
    for (const bucket of info.newRefs) {
      this.newSlots[this.newIndex(bucket, info.peerId)] = undefined;
      this.newFill[bucket]--;
    }
    info.newRefs = [];
  }

  private newIndex(bucket: number, peerId: string): number {
    return bucket * this.options.bucketSize + bucketPosition(this.key, true, bucket, peerId, this.options.bucketSize);
  }

  private triedIndex(info: Info): number {
    const bucket = triedBucket(this.key, info.peerId, info.group, this.options.triedBuckets);
    return bucket * this.options.bucketSize + bucketPosition(this.key, false, bucket, info.peerId, this.options.bucketSize);
  }

  /** A uniformly random bucket with something in it, then a random filled slot of it (Core's Select_ walk). */
  private randomEntry(tried: boolean): Info {
    const fill = tried ? this.triedFill : this.newFill;
    const slots = tried ? this.triedSlots : this.newSlots;
    const size = this.options.bucketSize;
    for (;;) {
      const bucket = randomInt(fill.length);
      if (fill[bucket] === 0) continue;
      const start = randomInt(size);
      for (let i = 0; i < size; i++) {
        const peerId = slots[bucket * size + ((start + i) % size)];
        if (peerId !== undefined) return this.entriesById.get(peerId)!;
      }
    }
  }

  // --- persistence ----------------------------------------------------------------------------

  private snapshot(): BookSnapshot {
    const entries: StoredEntry[] = [...this.entriesById.values()].map((info) => ({
      peerId: info.peerId,
      multiaddrs: info.multiaddrs,
      services: info.services,
      lastSeen: info.lastSeen,
      lastSuccess: info.lastSuccess,
      lastTry: info.lastTry,
      attempts: info.attempts,
      sourceGroup: info.sourceGroup,
      tried: info.tried,
      newBuckets: info.tried ? [] : [...info.newRefs],
    }));
    return { key: this.key, newBuckets: this.options.newBuckets, bucketSize: this.options.bucketSize, entries };
  }

  /** Puts loaded entries back in their slots: tried first, then new in their saved buckets. */
  private restore(snapshot: BookSnapshot): void {
    let lost = 0;
    const ordered = [...snapshot.entries].sort((a, b) => Number(b.tried) - Number(a.tried));
    for (const stored of ordered) {
      const info = this.create(stored, 0, stored.sourceGroup);
      Object.assign(info, { lastSuccess: stored.lastSuccess, lastTry: stored.lastTry, attempts: stored.attempts });
      if (stored.tried && this.triedSlots[this.triedIndex(info)] === undefined) {
        this.makeTried(info, this.triedIndex(info));
        continue;
      }
      // Saved buckets when the table has the same shape, else the bucket of the entry's first source.
      const sameShape = snapshot.newBuckets === this.options.newBuckets && snapshot.bucketSize === this.options.bucketSize;
      const buckets = sameShape ? stored.newBuckets.filter((b) => b < this.options.newBuckets) : [];
      if (buckets.length === 0) buckets.push(newBucket(this.key, info.group, info.sourceGroup, this.options.newBuckets));
      for (const bucket of buckets.slice(0, NEW_BUCKETS_PER_ADDRESS)) {
        const index = this.newIndex(bucket, info.peerId);
        if (this.newSlots[index] === undefined && !info.newRefs.includes(bucket)) this.placeNew(info, bucket, index);
      }
      if (info.newRefs.length === 0) {
        this.entriesById.delete(info.peerId);
        lost++;
      }
    }
    if (lost > 0) this.logger.info({ lost }, 'addrman: entries without a free slot after loading were dropped');
    this.logger.info({ size: this.size, tried: this.triedCount }, 'addrman: address book loaded');
  }
}

function toEntry(info: Info): AddressEntry {
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
