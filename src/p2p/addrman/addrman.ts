/**
 * The address book: Bitcoin Core's addrman (new and tried tables of keyed buckets) for libp2p
 * peers, keyed by peer id. See docs/p2p.md "Address book" for the design and where it differs
 * from Core. This file is the book's policy (which address goes where, when it moves to tried,
 * which one is picked); the tables and their invariants are in tables.ts, saving in snapshot.ts
 * and persist.ts, checking a peer's records in validate.ts.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';

import { resolveAddrManOptions, type AddrManModules, type AddrManOptions, type ResolvedAddrManOptions } from './options.js';
import { PEERS_FILE, readBook, writeBook } from './persist.js';
import { restoreSnapshot, snapshotOf } from './snapshot.js';
import { type BookEntry, BucketTables, NEW_BUCKETS_PER_ADDRESS, toEntry } from './tables.js';
import { groupOf } from './groups.js';
import { chance, DAY, HOUR, isTerrible, MINUTE } from './terrible.js';
import type { AddressBook, AddressEntry, AddressRecord, AddressSource } from './types.js';
import { sanitiseRecord } from './validate.js';
import { type Logger, silentLogger } from '../../util/logger.js';

/** Core's ADDRMAN_SET_TRIED_COLLISION_SIZE: pending tried collisions kept for testing. */
export const TRIED_COLLISION_SIZE = 10;
/** Core's ADDRMAN_REPLACEMENT: an incumbent that answered within this keeps its tried slot. */
export const REPLACEMENT_MS = 4 * HOUR;
/** Core's ADDRMAN_TEST_WINDOW: a collision not settled by a test within this evicts the incumbent. */
export const TEST_WINDOW_MS = 40 * MINUTE;

export class AddrMan implements AddressBook {
  private readonly tables: BucketTables;
  /** Last good() (Core's nLastGood): failures only count once per success anywhere, so being offline costs nothing. */
  private lastGood = 1;
  private writing: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly logger: Logger;

  private constructor(
    private readonly options: ResolvedAddrManOptions,
    key: Uint8Array,
    private readonly file: string | undefined,
    modules: AddrManModules,
  ) {
    this.now = options.now;
    this.logger = modules.logger ?? silentLogger;
    this.tables = new BucketTables(options, key);
  }

  /** Opens the book in `dataDir` (created empty, with a new secret key, when absent), or in memory. */
  static async open(options: AddrManOptions = {}, modules: AddrManModules = {}): Promise<AddrMan> {
    const resolved = resolveAddrManOptions(options);
    const logger = modules.logger ?? silentLogger;
    const file = resolved.dataDir === undefined ? undefined : join(resolved.dataDir, PEERS_FILE);
    const snapshot = file === undefined ? undefined : await readBook(file, logger);
    const book = new AddrMan(resolved, snapshot?.key ?? new Uint8Array(randomBytes(32)), file, modules);
    if (snapshot) restoreSnapshot(book.tables, snapshot, resolved, book.logger);
    return book;
  }

  get size(): number {
    return this.tables.byId.size;
  }

  /** Entries in the tried table. */
  get triedSize(): number {
    return this.tables.triedCount;
  }

  /** Entries in the new table. */
  get newSize(): number {
    return this.size - this.tables.triedCount;
  }

  add(records: readonly AddressRecord[], source: AddressSource, penaltyMs = 0): number {
    const now = this.now();
    const sourceGroup = groupOf(source.multiaddr, source.peerId);
    let added = 0;
    let dropped = 0;
    for (const record of records) {
      const clean = sanitiseRecord(record, now);
      if (clean === undefined) dropped++;
      else if (this.addOne(clean, source.peerId === clean.peerId ? 0 : Math.max(0, penaltyMs), sourceGroup)) added++;
    }
    if (dropped > 0) this.logger.debug({ source: source.peerId, dropped }, 'addrman: dropped invalid address records');
    return added;
  }

  good(peerId: string, now = this.now()): void {
    const info = this.tables.byId.get(peerId);
    if (info) this.markGood(info, true, now);
  }

  attempt(peerId: string, countFailure: boolean, now = this.now()): void {
    const info = this.tables.byId.get(peerId);
    if (!info) return;
    info.lastTry = now;
    if (countFailure && info.lastCountAttempt < this.lastGood) {
      info.lastCountAttempt = now;
      info.attempts++;
    }
  }

  connected(peerId: string, now = this.now()): void {
    const info = this.tables.byId.get(peerId);
    // Refresh at most every 20 minutes, so lastSeen does not reveal who we are connected to right now.
    if (info && now - info.lastSeen > 20 * MINUTE) info.lastSeen = now;
  }

  select(newOnly = false): AddressEntry | undefined {
    if (this.size === 0 || (newOnly && this.newSize === 0)) return undefined;
    const tried = !newOnly && this.tables.triedCount > 0 && (this.newSize === 0 || randomInt(2) === 0);
    const now = this.now();
    let factor = 1;
    for (;;) {
      const info = this.tables.randomEntry(tried);
      // Core: accept with probability chance × factor; the factor grows so the loop always ends.
      if (Math.random() < factor * chance(info, now)) return toEntry(info);
      factor *= 1.2;
    }
  }

  getAddr(maxAddresses = 1000, maxPct = 23): AddressEntry[] {
    const all = [...this.tables.byId.values()];
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
    const { collisions, byId } = this.tables;
    if (collisions.size === 0) return undefined;
    const ids = [...collisions];
    const candidate = byId.get(ids[randomInt(ids.length)]);
    if (!candidate || candidate.tried) {
      if (candidate) collisions.delete(candidate.peerId);
      return undefined;
    }
    const incumbent = this.tables.triedIncumbent(candidate);
    return incumbent === undefined ? undefined : toEntry(incumbent);
  }

  resolveCollisions(now = this.now()): void {
    const { collisions, byId } = this.tables;
    for (const peerId of [...collisions]) {
      const candidate = byId.get(peerId);
      if (!candidate || candidate.tried || this.settleCollision(candidate, now)) collisions.delete(peerId);
    }
  }

  get(peerId: string): AddressEntry | undefined {
    const info = this.tables.byId.get(peerId);
    return info && toEntry(info);
  }

  remove(peerId: string): boolean {
    return this.tables.remove(peerId);
  }

  /** Where an entry sits: its tried bucket, or the new buckets referencing it (diagnostics and tests). */
  placement(peerId: string): { tried: boolean; buckets: number[] } | undefined {
    const info = this.tables.byId.get(peerId);
    if (!info) return undefined;
    if (info.tried) return { tried: true, buckets: [Math.floor(this.tables.triedIndex(info) / this.options.bucketSize)] };
    return { tried: false, buckets: [...info.newRefs] };
  }

  entries(): AddressEntry[] {
    return [...this.tables.byId.values()].map(toEntry);
  }

  /** Writes the book (serialised: a flush waits for the one before it). */
  flush(): Promise<void> {
    const file = this.file;
    if (file === undefined) return Promise.resolve();
    const write = this.writing.catch(() => undefined).then(() => writeBook(file, snapshotOf(this.tables, this.options)));
    this.writing = write;
    return write;
  }

  /** Core's AddSingle. True when the address was new to the book and took a slot. */
  private addOne(record: AddressRecord, penalty: number, sourceGroup: string): boolean {
    const { tables } = this;
    let info = tables.byId.get(record.peerId);
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
      info = tables.create(record, penalty, sourceGroup);
    }
    const bucket = tables.newBucketOf(info, sourceGroup);
    if (info.newRefs.includes(bucket)) return false;
    const index = tables.newIndex(bucket, info.peerId);
    const incumbent = tables.newAt(index);
    // Core: the slot goes to the newcomer only if the incumbent is terrible, or the newcomer has
    // no other reference while the incumbent has several.
    const insert = incumbent === undefined || isTerrible(incumbent, this.now()) || (incumbent.newRefs.length > 1 && info.newRefs.length === 0);
    if (insert) {
      tables.clearNew(index);
      tables.placeNew(info, bucket, index);
      return isNew;
    }
    if (info.newRefs.length === 0) tables.byId.delete(info.peerId);
    return false;
  }

  /** Core's Good_: success resets the failures and moves the entry to tried (or queues a collision). */
  private markGood(info: BookEntry, testBeforeEvict: boolean, now: number): void {
    info.lastSuccess = now;
    info.lastTry = now;
    info.attempts = 0;
    this.lastGood = now;
    // lastSeen is not updated here, so it does not reveal which peers we are connected to.
    if (info.tried || info.newRefs.length === 0) return;
    if (testBeforeEvict && this.tables.triedIncumbent(info) !== undefined) {
      if (this.tables.collisions.size < TRIED_COLLISION_SIZE) this.tables.collisions.add(info.peerId);
      return;
    }
    this.tables.makeTried(info);
  }

  /** Core's ResolveCollisions_ for one candidate; true when the collision is settled. */
  private settleCollision(candidate: BookEntry, now: number): boolean {
    const incumbent = this.tables.triedIncumbent(candidate);
    if (incumbent === undefined) {
      this.markGood(candidate, false, now); // the slot emptied meanwhile
      return true;
    }
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
}
