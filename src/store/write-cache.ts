/**
 * The chain store's write-back cache (Bitcoin Core's CoinsViewCache, widened to every chain-state
 * record): connects and disconnects write their coins, undo data, height entries, index entries
 * and tip here, and flush() moves all of it to LevelDB in one atomic batch. Reads look here first.
 *
 * A coin put where neither the cache nor a flush in progress knows the key is FRESH, as in Core:
 * the database cannot hold it (BIP34 makes txids unique, see consensus/block-inputs.ts), so when
 * it is spent before the next flush both writes vanish instead of reaching the disk.
 *
 * A coin is held as the Coin object its batch gave (batch.ts, CoinOperation) and is encoded only
 * when a flush writes it: a connect's thousands of coins make no key or value bytes, and a
 * read returns the object itself.
 *
 * A block's connect hands its coins over whole (CoinLayer: the maps its overlay made), and they
 * stay a layer above the dirty records, as geth's diff layers wait to be flattened: a connect
 * then costs no map write per coin. Reads look in the layer first. Any other coin write folds
 * it into the records first, so the layer is always newer than every record. There is at most
 * one: a second connect folds the first's (see `layer`). A flush writes the layer's coins
 * straight from its maps, after the records it takes, unless the layer spends one of them (a
 * fresh coin then cancels out in the fold): at the tip, where every block is flushed on its
 * own, a block's coins never become records at all (their objects, made a second after the
 * block, outlived the write and were garbage for the old generation).
 *
 * Below the dirty records sits a bounded layer of clean coins, as Core's cache keeps coins it
 * read or flushed: what the mempool read to check a tx, and what the last flush wrote, is still
 * in memory when the block spending it connects, instead of one LevelDB read per input. A clean
 * coin always equals the database's: every write drops the key from it, a flush moves what it
 * wrote into it, and a database read only lands there if nothing was written meanwhile.
 */
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import { type BatchOperation, type CoinLayer, forEachLayerWrite } from './batch.js';
import type { BatchWriter } from './database.js';
import { COIN_KEY_SIZE, decodeCoin, encodeCoin, outPointFromKey, Prefix } from './layout.js';
import { type CachedRecord, keyBytes, keyString, opKey, RECORD_OVERHEAD, recordBytes, recordPrefix, valueBytes, writesCoins } from './cached-record.js';
import { ScratchCoinEncoder } from './scratch-coin-encoder.js';
import { BoundedMap } from '../util/bounded-map.js';

/** What a read finds in the cache: a value, a deletion, or nothing (ask the database). */
export type CacheLookup = { found: true; value: Uint8Array | undefined } | { found: false };
/** The same for a coin, as the object. */
export type CoinLookup = { found: true; coin: Coin | undefined } | { found: false };
const MISS = { found: false } as const;
const SPENT = { found: true, coin: undefined } as const;

/** A connect's layer and what it adds to the cache's size. */
interface LayerEntry {
  readonly layer: CoinLayer;
  readonly bytes: number;
  /** Its spent coins and its txs' outputs (an upper bound on the coins it adds). */
  readonly coins: number;
}

/** A P2WPKH coin's encoded size is 35 bytes, a P2TR one's 46. */
const TYPICAL_COIN_BYTES = 40;

/** Clean coins kept by default: ~250 bytes each, so ~50 MB, about 100 blocks' worth of 2,000 inputs. */
export const DEFAULT_CLEAN_COINS = 200_000;

export class WriteCache {
  private records = new Map<string, CachedRecord>();
  /**
   * The last connect's coin changes, not yet folded into `records`; see the file comment. Only
   * one: a catch-up connecting block after block between flushes folds each block at the next
   * connect, so it costs what it did before layers (keeping four made 12 back-to-back 2,000-tx
   * blocks ~20 % slower: every read that misses a layer pays two lookups), while a live node's
   * block waits for the flush after the pause.
   */
  private layer: LayerEntry | undefined;
  /** Records being written by a flush: still the truth until the write lands. */
  private flushing = new Map<string, CachedRecord>();
  /** The layer being written by a flush, newer than `flushing` and older than `records`. */
  private flushingLayer: CoinLayer | undefined;
  /** Between beginFlush() and flushed() or flushFailed(). */
  private writing = false;
  private bytes = 0;
  /** Coins (never deletions) known to equal the database's, oldest dropped first; see the file comment. */
  private readonly clean: BoundedMap<string, Coin>;
  /** Bumped by every change, so a database read that raced a write does not land in `clean`. */
  private generation = 0;
  /** Encodes the coins a flush writes. */
  private readonly encoder = new ScratchCoinEncoder();

  constructor(cleanCapacity = DEFAULT_CLEAN_COINS) {
    this.clean = new BoundedMap(cleanCapacity);
  }

  /** Tag a database read with this before it starts; hand it to `rememberCoins` with what it read. */
  get readGeneration(): number {
    return this.generation;
  }

  /** Clean coins held (tests, metrics). */
  get cleanCount(): number {
    return this.clean.size;
  }

  /**
   * Keeps coins just read from the database, if nothing was written since `generation`: they
   * could otherwise predate a write that has since landed.
   */
  rememberCoins(outpoints: readonly OutPoint[], coins: ReadonlyArray<Coin | undefined>, generation: number): void {
    if (generation !== this.generation || this.clean.capacity === 0) return;
    outpoints.forEach((outpoint, i) => {
      const coin = coins[i];
      if (coin !== undefined) this.clean.set(outpoint.key(), coin);
    });
  }

  /** The database was changed behind the cache (wipe): no clean coin can be trusted. */
  dropClean(): void {
    this.generation++;
    this.clean.clear();
  }

  /** Approximate memory held, bytes (what --dbcache bounds). */
  get size(): number {
    return this.bytes + (this.layer?.bytes ?? 0);
  }

  /** Records waiting for the next flush (a layer's coins counted before they cancel out). */
  get count(): number {
    return this.records.size + (this.layer?.coins ?? 0);
  }

  /** Whether a flush has taken the records and its write has not yet landed or failed. */
  get flushInProgress(): boolean {
    return this.writing;
  }

  /** Connect layers not yet folded into the records, 0 or 1 (tests, metrics). */
  get layerCount(): number {
    return this.layer ? 1 : 0;
  }

  apply(ops: readonly BatchOperation[]): void {
    for (const op of ops) {
      if (op.type === 'coins') {
        this.pushLayer(op.layer);
        continue;
      }
      // A body goes to the block files at once (ChainStore.batch()); the cache holds none.
      if (op.type === 'block') throw new Error('a block body cannot be cached: write it with a direct batch');
      if (this.layer && writesCoins(op)) this.foldLayer();
      if (op.type === 'coin') this.set(op.outpoint.key(), op.outpoint, undefined, op.coin);
      else if (op.key[0] === Prefix.COIN) {
        // Rare (tests, repairs): a coin written by its bytes is held as the coin like any other.
        const outpoint = outPointFromKey(op.key);
        this.set(outpoint.key(), outpoint, undefined, op.type === 'put' ? decodeCoin(op.key, op.value) : undefined);
      } else this.set(keyString(op.key), undefined, op.key, op.type === 'put' ? op.value : undefined);
    }
  }

  /** Any record by its key bytes; a coin comes back encoded. */
  lookup(key: Uint8Array): CacheLookup {
    if (key[0] === Prefix.COIN) {
      const found = this.lookupCoin(outPointFromKey(key));
      return found.found ? { found: true, value: found.coin && encodeCoin(found.coin) } : MISS;
    }
    const record = this.dirtyRecord(keyString(key));
    return record ? { found: true, value: record.value as Uint8Array | undefined } : MISS;
  }

  lookupCoin(outpoint: OutPoint): CoinLookup {
    const k = outpoint.key();
    if (this.layer) {
      const found = layerLookup(this.layer.layer, outpoint, k);
      if (found) return found;
    }
    const record = this.records.get(k);
    if (record) return { found: true, coin: record.value as Coin | undefined };
    if (this.writing) {
      const flushing = this.flushingLookup(outpoint, k);
      if (flushing) return flushing;
    }
    const clean = this.clean.get(k);
    return clean ? { found: true, coin: clean } : MISS;
  }

  /** What the flush under way writes for a coin: its layer's, or else its records'. */
  private flushingLookup(outpoint: OutPoint, k: string): CoinLookup | undefined {
    const found = this.flushingLayer && layerLookup(this.flushingLayer, outpoint, k);
    if (found) return found;
    const record = this.flushing.get(k);
    return record && { found: true, coin: record.value as Coin | undefined };
  }

  /** Whether the flush under way writes anything for a coin (so the database may hold it after all). */
  private flushingWrites(outpoint: OutPoint, k: string): boolean {
    if (!this.writing) return false;
    return this.flushing.has(k) || (this.flushingLayer !== undefined && layerWrites(this.flushingLayer, outpoint, k));
  }

  private dirtyRecord(k: string): CachedRecord | undefined {
    // Outside a flush `flushing` is empty: no lookup there (a block's connect makes thousands).
    return this.records.get(k) ?? (this.flushing.size > 0 ? this.flushing.get(k) : undefined);
  }

  /** Cached records under one prefix, in key (= LevelDB) order, encoded; a copy, safe across awaits. */
  sortedUnder(prefix: number): Array<[Uint8Array, Uint8Array | undefined]> {
    this.foldLayer();
    const merged = new Map<string, CachedRecord>();
    const add = (map: ReadonlyMap<string, CachedRecord>) => {
      for (const [k, record] of map) if (recordPrefix(record) === prefix) merged.set(k, record);
    };
    add(this.flushing);
    if (this.flushingLayer && prefix === Prefix.COIN) {
      forEachLayerWrite(this.flushingLayer, (outpoint, coin) => merged.set(outpoint.key(), { outpoint, key: undefined, value: coin, fresh: false }));
    }
    add(this.records);
    // By the key's bytes: a coin's Map key (its outpoint's) does not sort as LevelDB does.
    return [...merged.values()].map((r): [Uint8Array, Uint8Array | undefined] => [keyBytes(r), valueBytes(r)]).sort((a, b) => Buffer.compare(a[0], b[0]));
  }

  /** A write made straight to the database supersedes what the cache holds for its keys. */
  forget(ops: readonly BatchOperation[]): void {
    this.generation++;
    if (this.layer && ops.some(writesCoins)) this.foldLayer();
    for (const op of ops) {
      if (op.type === 'coins') forEachLayerWrite(op.layer, (outpoint) => this.forgetKey(outpoint.key()));
      else this.forgetKey(opKey(op));
    }
  }

  private forgetKey(k: string): void {
    this.clean.delete(k);
    const record = this.records.get(k);
    if (!record) return;
    this.records.delete(k);
    this.bytes -= recordBytes(record);
  }

  /**
   * Hands the cached records and the layer to a flush, writing them into `batch` encoded, the
   * layer's coins last (they are newer); both stay readable until flushed() or flushFailed().
   */
  beginFlush(batch: BatchWriter): void {
    if (this.writing) throw new Error('a flush is already under way');
    // A coin an earlier block created and this one spent cancels out only when folded (fresh).
    if (this.layer && this.spendsRecords(this.layer.layer)) this.foldLayer();
    this.generation++;
    this.writing = true;
    this.flushing = this.records;
    this.flushingLayer = this.layer?.layer;
    this.records = new Map();
    this.layer = undefined;
    this.bytes = 0;
    const { encoder } = this;
    for (const record of this.flushing.values()) {
      if (!record.outpoint) {
        if (record.value) batch.put(record.key!, record.value as Uint8Array);
        else batch.del(record.key!);
      } else if (record.value) batch.put(encoder.key(record.outpoint), encoder.value(record.value as Coin));
      else batch.del(encoder.key(record.outpoint));
    }
    if (this.flushingLayer) {
      forEachLayerWrite(this.flushingLayer, (outpoint, coin) => (coin ? batch.put(encoder.key(outpoint), encoder.value(coin)) : batch.del(encoder.key(outpoint))));
    }
  }

  flushed(): void {
    this.generation++;
    // What was just written is what the database now holds; a newer dirty record still wins.
    for (const [k, { outpoint, value }] of this.flushing) {
      if (!outpoint || this.records.has(k)) continue;
      if (value === undefined) this.clean.delete(k);
      else this.clean.set(k, value as Coin);
    }
    if (this.flushingLayer) this.layerFlushed(this.flushingLayer);
    this.flushing = new Map();
    this.flushingLayer = undefined;
    this.writing = false;
  }

  /** Whether the layer spends a coin held as a record: by walking the smaller side (at the tip, the few non-coin records). */
  private spendsRecords(layer: CoinLayer): boolean {
    if (this.records.size < layer.spent.length) {
      for (const k of this.records.keys()) if (layer.spentKeys.has(k)) return true;
      return false;
    }
    for (const { outpoint } of layer.spent) if (this.records.has(outpoint.key())) return true;
    return false;
  }

  /** The layer's coins are what the database now holds, where no newer record overrides them. */
  private layerFlushed(layer: CoinLayer): void {
    for (const { outpoint } of layer.spent) {
      const k = outpoint.key();
      if (!this.records.has(k)) this.clean.delete(k);
    }
    if (this.clean.capacity === 0) return;
    for (const outputs of layer.created.values()) {
      outputs.forEachCoin((outpoint, coin) => {
        const k = outpoint.key();
        if (!this.records.has(k)) this.clean.set(k, coin);
      });
    }
  }

  /**
   * The write failed: the records and the layer go back, under anything written since. Newest
   * last: the flush's records, its layer folded onto them, then the records written since (the
   * layer written since, if any, stays above them all).
   */
  flushFailed(): void {
    this.generation++;
    const failedLayer = this.flushingLayer;
    const since = this.records;
    this.records = this.flushing;
    this.bytes = 0;
    for (const record of this.records.values()) this.bytes += recordBytes(record);
    this.flushing = new Map();
    this.flushingLayer = undefined;
    this.writing = false;
    // Nothing is being flushed any more: what the failed layer created is fresh again.
    if (failedLayer) forEachLayerWrite(failedLayer, (outpoint, coin) => this.set(outpoint.key(), outpoint, undefined, coin));
    for (const [k, record] of since) {
      const given = this.records.get(k);
      if (given) this.bytes -= recordBytes(given);
      this.records.set(k, record);
      this.bytes += recordBytes(record);
    }
  }

  private pushLayer(layer: CoinLayer): void {
    this.generation++;
    let outputs = 0;
    for (const created of layer.created.values()) outputs += created.outputCount;
    const coins = layer.spent.length + outputs;
    // Counted as records of a typical coin until folded, when each is counted exactly.
    const bytes = layer.spent.length * (RECORD_OVERHEAD + COIN_KEY_SIZE) + outputs * (RECORD_OVERHEAD + COIN_KEY_SIZE + TYPICAL_COIN_BYTES);
    this.foldLayer();
    this.layer = { layer, bytes, coins };
  }

  /** The layer into the records: as if each coin had been written when its block connected. */
  private foldLayer(): void {
    if (!this.layer) return;
    const { layer } = this.layer;
    this.layer = undefined;
    forEachLayerWrite(layer, (outpoint, coin) => this.set(outpoint.key(), outpoint, undefined, coin));
  }

  /** One write: a coin (`outpoint` given) or any other record (`key` given); value undefined deletes. */
  private set(k: string, outpoint: OutPoint | undefined, key: Uint8Array | undefined, value: Coin | Uint8Array | undefined): void {
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
    const fresh = value !== undefined && outpoint !== undefined && !this.flushingWrites(outpoint, k);
    const record: CachedRecord = { outpoint, key, value, fresh };
    this.records.set(k, record);
    this.bytes += recordBytes(record);
  }
}

/** What a layer says of a coin: one its block created (undefined where spent there), a spend, or nothing. */
function layerLookup(layer: CoinLayer, outpoint: OutPoint, k: string): CoinLookup | undefined {
  const created = layer.created.get(outpoint.txidHex());
  if (created) return { found: true, coin: created.coin(outpoint.index) };
  return layer.spentKeys.has(k) ? SPENT : undefined;
}

/** Whether a layer writes anything for a coin: a spend, or a coin its block created. */
function layerWrites(layer: CoinLayer, outpoint: OutPoint, k: string): boolean {
  return layer.spentKeys.has(k) || layer.created.get(outpoint.txidHex())?.coin(outpoint.index) !== undefined;
}
