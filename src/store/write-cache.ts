/**
 * The chain store's write-back cache (Bitcoin Core's CoinsViewCache, widened to every chain-state
 * record): connects and disconnects write their coins, undo data, height entries, index entries
 * and tip here, and flush() moves all of it to LevelDB in one atomic batch. Reads look here first.
 *
 * A coin put where neither the cache nor a flush in progress knows the key is FRESH, as in Core:
 * the database cannot hold it (BIP34 makes txids unique, see consensus/block-inputs.ts), so when
 * it is spent before the next flush both writes vanish instead of reaching the disk.
 *
 * Below the dirty records sits a bounded layer of clean coins, as Core's cache keeps coins it
 * read or flushed: what the mempool read to check a tx, and what the last flush wrote, is still
 * in memory when the block spending it connects, instead of one LevelDB read per input. A clean
 * coin always equals the database's: every write drops the key from it, a flush moves what it
 * wrote into it, and a database read only lands there if nothing was written meanwhile.
 */
import type { OutPoint } from '../primitives/outpoint.js';
import type { BatchOperation } from './batch.js';
import { outPointFromKey, Prefix } from './layout.js';

interface CachedRecord {
  readonly key: Uint8Array;
  /** undefined: deleted. */
  value: Uint8Array | undefined;
  /** A coin the database does not hold: deleting it drops the record altogether. */
  fresh: boolean;
}

/** Rough JS heap cost of one cached record besides its key and value bytes (Map slot, objects). */
const RECORD_OVERHEAD = 160;

/** Reused by keyString: a Buffer made per key cost twice the copy (one thread; nothing here awaits). */
const scratch = Buffer.allocUnsafe(64);

/** A record key as a Map key: its bytes one char each (every key of the layout is under 64 bytes). */
function keyString(key: Uint8Array): string {
  if (key.length > scratch.length) return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
  scratch.set(key);
  return scratch.toString('latin1', 0, key.length);
}

/**
 * A coin's Map key is its outpoint's own key (display txid and index, OutPoint.key()): a
 * block's connect already made and hashed that string for its overlay, so its thousands of
 * coin reads and writes make no key string of their own. It is 66 chars or more and never
 * equals a keyString (under 64). `outpoint`, when given, is the one the coin key was made from.
 */
function recordKey(key: Uint8Array, outpoint?: OutPoint): string {
  if (outpoint) return outpoint.key();
  // Rare (direct writes, snapshot installs): OutPoint alone spells its key.
  if (key[0] === Prefix.COIN) return outPointFromKey(key).key();
  return keyString(key);
}

/** What a read finds in the cache: a value, a deletion, or nothing (ask the database). */
export type CacheLookup = { found: true; value: Uint8Array | undefined } | { found: false };
const MISS: CacheLookup = { found: false };

/** Clean coins kept by default: ~250 bytes each, so ~50 MB, about 100 blocks' worth of 2,000 inputs. */
export const DEFAULT_CLEAN_COINS = 200_000;

export class WriteCache {
  private records = new Map<string, CachedRecord>();
  /** Records being written by a flush: still the truth until the write lands. */
  private flushing = new Map<string, CachedRecord>();
  private bytes = 0;
  /** Coins (never deletions) known to equal the database's, oldest first; see the file comment. */
  private readonly clean = new Map<string, Uint8Array>();
  /**
   * The clean coins' oldest key, kept between evictions and made at the first (see
   * util/bounded-set.ts: a fresh `keys().next()` scans every slot deleted since the table's last
   * rehash, and a live iterator keeps the tables the map has outgrown).
   */
  private cleanOldest: MapIterator<string> | undefined;
  /** Bumped by every change, so a database read that raced a write does not land in `clean`. */
  private generation = 0;

  constructor(private readonly cleanCapacity = DEFAULT_CLEAN_COINS) {}

  /** Tag a database read with this before it starts; hand it to `remember` with the value read. */
  get readGeneration(): number {
    return this.generation;
  }

  /** Clean coins held (tests, metrics). */
  get cleanCount(): number {
    return this.clean.size;
  }

  /**
   * Keeps coins just read from the database, if nothing was written since `generation`: the
   * value could otherwise predate a write that has since landed. Other records are ignored.
   */
  remember(keys: readonly Uint8Array[], values: ReadonlyArray<Uint8Array | undefined>, generation: number): void {
    if (generation !== this.generation || this.cleanCapacity === 0) return;
    keys.forEach((key, i) => {
      const value = values[i];
      if (value !== undefined && key[0] === Prefix.COIN) this.keepClean(recordKey(key), value);
    });
  }

  /** `remember` for coins read by outpoint. */
  rememberCoins(outpoints: readonly OutPoint[], values: ReadonlyArray<Uint8Array | undefined>, generation: number): void {
    if (generation !== this.generation || this.cleanCapacity === 0) return;
    outpoints.forEach((outpoint, i) => {
      const value = values[i];
      if (value !== undefined) this.keepClean(outpoint.key(), value);
    });
  }

  /** The database was changed behind the cache (wipe): no clean coin can be trusted. */
  dropClean(): void {
    this.generation++;
    this.clean.clear();
    this.cleanOldest = undefined;
  }

  /** Approximate memory held, bytes (what --dbcache bounds). */
  get size(): number {
    return this.bytes;
  }

  /** Records waiting for the next flush. */
  get count(): number {
    return this.records.size;
  }

  apply(ops: readonly BatchOperation[]): void {
    for (const op of ops) this.set(recordKey(op.key, op.outpoint), op.key, op.type === 'put' ? op.value : undefined);
  }

  lookup(key: Uint8Array): CacheLookup {
    return this.lookupRecord(recordKey(key));
  }

  lookupCoin(outpoint: OutPoint): CacheLookup {
    return this.lookupRecord(outpoint.key());
  }

  private lookupRecord(k: string): CacheLookup {
    // Outside a flush `flushing` is empty: no lookup there (a block's connect makes thousands).
    const record = this.records.get(k) ?? (this.flushing.size > 0 ? this.flushing.get(k) : undefined);
    if (record) return { found: true, value: record.value };
    const clean = this.clean.get(k);
    return clean ? { found: true, value: clean } : MISS;
  }

  /** Cached records under one prefix, in key (= LevelDB) order; a copy, safe across awaits. */
  sortedUnder(prefix: number): Array<[Uint8Array, Uint8Array | undefined]> {
    const merged = new Map<string, CachedRecord>();
    for (const map of [this.flushing, this.records]) {
      for (const [k, record] of map) if (record.key[0] === prefix) merged.set(k, record);
    }
    // By the key's bytes: a coin's Map key (its outpoint's) does not sort as LevelDB does.
    return [...merged.values()].sort((a, b) => Buffer.compare(a.key, b.key)).map((r) => [r.key, r.value]);
  }

  /** A write made straight to the database supersedes what the cache holds for its keys. */
  forget(ops: readonly BatchOperation[]): void {
    this.generation++;
    for (const op of ops) {
      const k = recordKey(op.key, op.outpoint);
      this.clean.delete(k);
      const record = this.records.get(k);
      if (!record) continue;
      this.records.delete(k);
      this.bytes -= recordBytes(record);
    }
  }

  /** Hands the cached records to a flush; they stay readable until flushed() or flushFailed(). */
  beginFlush(): BatchOperation[] {
    this.generation++;
    this.flushing = this.records;
    this.records = new Map();
    this.bytes = 0;
    const ops: BatchOperation[] = [];
    for (const { key, value } of this.flushing.values()) ops.push(value ? { type: 'put', key, value } : { type: 'del', key });
    return ops;
  }

  flushed(): void {
    this.generation++;
    // What was just written is what the database now holds; a newer dirty record still wins.
    for (const [k, { key, value }] of this.flushing) {
      if (key[0] !== Prefix.COIN || this.records.has(k)) continue;
      if (value === undefined) this.clean.delete(k);
      else if (this.cleanCapacity > 0) this.keepClean(k, value);
    }
    this.flushing = new Map();
  }

  /** The write failed: the records go back, under anything written since. */
  flushFailed(): void {
    this.generation++;
    for (const [k, record] of this.flushing) {
      if (this.records.has(k)) continue;
      this.records.set(k, record);
      this.bytes += recordBytes(record);
    }
    this.flushing = new Map();
  }

  private keepClean(k: string, value: Uint8Array): void {
    this.clean.delete(k);
    this.clean.set(k, value);
    if (this.clean.size > this.cleanCapacity) this.clean.delete((this.cleanOldest ??= this.clean.keys()).next().value as string);
  }

  private set(k: string, key: Uint8Array, value: Uint8Array | undefined): void {
    this.generation++;
    // A dirty record supersedes the clean coin (and keeps `clean` free of keys with records).
    this.clean.delete(k);
    const existing = this.records.get(k);
    if (existing) {
      this.bytes -= recordBytes(existing);
      if (value === undefined && existing.fresh) {
        this.records.delete(k);
        return;
      }
      existing.value = value;
      this.bytes += recordBytes(existing);
      return;
    }
    const fresh = value !== undefined && key[0] === Prefix.COIN && (this.flushing.size === 0 || !this.flushing.has(k));
    const record: CachedRecord = { key, value, fresh };
    this.records.set(k, record);
    this.bytes += recordBytes(record);
  }
}

function recordBytes(record: CachedRecord): number {
  return RECORD_OVERHEAD + record.key.length + (record.value?.length ?? 0);
}
