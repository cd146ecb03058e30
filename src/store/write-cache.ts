/**
 * The chain store's write-back cache (Bitcoin Core's CoinsViewCache, widened to every chain-state
 * record): connects and disconnects write their coins, undo data, height entries, index entries
 * and tip here, and flush() moves all of it to LevelDB in one atomic batch. Reads look here first.
 *
 * A coin put where neither the cache nor a flush in progress knows the key is FRESH, as in Core:
 * the database cannot hold it (BIP34 makes txids unique, see consensus/block-inputs.ts), so when
 * it is spent before the next flush both writes vanish instead of reaching the disk.
 */
import type { BatchOperation } from './batch.js';
import { Prefix } from './layout.js';

interface CachedRecord {
  readonly key: Uint8Array;
  /** undefined: deleted. */
  value: Uint8Array | undefined;
  /** A coin the database does not hold: deleting it drops the record altogether. */
  fresh: boolean;
}

/** Rough JS heap cost of one cached record besides its key and value bytes (Map slot, objects). */
const RECORD_OVERHEAD = 160;

const keyString = (key: Uint8Array): string => Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');

/** What a read finds in the cache: a value, a deletion, or nothing (ask the database). */
export type CacheLookup = { found: true; value: Uint8Array | undefined } | { found: false };
const MISS: CacheLookup = { found: false };

export class WriteCache {
  private records = new Map<string, CachedRecord>();
  /** Records being written by a flush: still the truth until the write lands. */
  private flushing = new Map<string, CachedRecord>();
  private bytes = 0;

  /** Approximate memory held, bytes (what --dbcache bounds). */
  get size(): number {
    return this.bytes;
  }

  /** Records waiting for the next flush. */
  get count(): number {
    return this.records.size;
  }

  apply(ops: readonly BatchOperation[]): void {
    for (const op of ops) this.set(op.key, op.type === 'put' ? op.value : undefined);
  }

  lookup(key: Uint8Array): CacheLookup {
    const k = keyString(key);
    const record = this.records.get(k) ?? this.flushing.get(k);
    return record ? { found: true, value: record.value } : MISS;
  }

  /** Cached records under one prefix, in key (= LevelDB) order; a copy, safe across awaits. */
  sortedUnder(prefix: number): Array<[Uint8Array, Uint8Array | undefined]> {
    const merged = new Map<string, CachedRecord>();
    for (const map of [this.flushing, this.records]) {
      for (const [k, record] of map) if (record.key[0] === prefix) merged.set(k, record);
    }
    return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => [r.key, r.value]);
  }

  /** A write made straight to the database supersedes what the cache holds for its keys. */
  forget(ops: readonly BatchOperation[]): void {
    for (const op of ops) {
      const k = keyString(op.key);
      const record = this.records.get(k);
      if (!record) continue;
      this.records.delete(k);
      this.bytes -= recordBytes(record);
    }
  }

  /** Hands the cached records to a flush; they stay readable until flushed() or flushFailed(). */
  beginFlush(): BatchOperation[] {
    this.flushing = this.records;
    this.records = new Map();
    this.bytes = 0;
    const ops: BatchOperation[] = [];
    for (const { key, value } of this.flushing.values()) ops.push(value ? { type: 'put', key, value } : { type: 'del', key });
    return ops;
  }

  flushed(): void {
    this.flushing = new Map();
  }

  /** The write failed: the records go back, under anything written since. */
  flushFailed(): void {
    for (const [k, record] of this.flushing) {
      if (this.records.has(k)) continue;
      this.records.set(k, record);
      this.bytes += recordBytes(record);
    }
    this.flushing = new Map();
  }

  private set(key: Uint8Array, value: Uint8Array | undefined): void {
    const k = keyString(key);
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
    const fresh = value !== undefined && key[0] === Prefix.COIN && !this.flushing.has(k);
    const record: CachedRecord = { key, value, fresh };
    this.records.set(k, record);
    this.bytes += recordBytes(record);
  }
}

function recordBytes(record: CachedRecord): number {
  return RECORD_OVERHEAD + record.key.length + (record.value?.length ?? 0);
}
