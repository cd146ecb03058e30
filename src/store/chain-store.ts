/**
 * The node's chain store: block index, undo data, the UTXO set and the main-chain height index
 * in one LevelDB database (layout in layout.ts), block bodies in flat files beside it
 * (block-files.ts) with their locations in LevelDB. Every change goes through a StoreBatch:
 * batch() is written at once (block bodies first), cachedBatch() lands in the write-back cache
 * (write-cache.ts) until flush() writes all of it in one atomic LevelDB batch. Every read sees
 * the cache, so callers never tell the two apart.
 */
import { join, resolve } from 'node:path';
import type { NetworkParams } from '../params/types.js';
import { type Block, BlockHeader, type Coin, HEADER_SIZE, hashToHex, hexToHash, type OutPoint } from '../primitives/index.js';
import { type BatchOperation, type BlockOperation, dbOperations, StoreBatch } from './batch.js';
import { BLOCK_LOCATION_SIZE, BlockFiles, bodyParts, decodeBlockLocation, DEFAULT_BLOCK_FILE_BYTES, encodeBlockLocation } from './block-files.js';
import { CachedReads } from './cached-reads.js';
import { databaseError, type Db, openDatabase, repairDatabase, writeBatch, writeFilledBatch } from './database.js';
import { isStoreError, StoreError } from './errors.js';
import {
  blockIndexKey,
  type BlockIndexRecord,
  blockKey,
  decodeBlock,
  decodeBlockIndex,
  decodeCoin,
  decodeHash,
  decodeUndo,
  hashFromKey,
  heightKey,
  outPointFromKey,
  plainBytes,
  Prefix,
  prefixRange,
  SNAPSHOT_BASE_KEY,
  SNAPSHOT_INSTALL_KEY,
  type StoreMeta,
  TIP_KEY,
  undoKey,
} from './layout.js';
import { PidLockFile } from './lock.js';
import { loadOrInitMeta } from './meta.js';
import { dbChunks, mergedChunks, type RawEntry, type Snapshot } from './prefix-scan.js';
import { type UtxoStats, UtxoStatsAccumulator } from './utxo-stats.js';
import { DEFAULT_CLEAN_COINS, WriteCache } from './write-cache.js';

export interface ChainStoreOptions {
  /**
   * fsync every batch. Without it a process crash still loses nothing (the OS holds the write)
   * and a power loss can only drop the latest whole batches, never half of one.
   */
  readonly sync?: boolean;
  /** LevelDB block cache, bytes. */
  readonly cacheSize?: number;
  /** LevelDB memtable size, bytes. */
  readonly writeBufferSize?: number;
  /** Clean coins kept in memory after a read or a flush (write-cache.ts); 0 keeps none. */
  readonly cleanCoins?: number;
  /** Size at which a block file is full and the next body starts a new one (Core's 128 MiB). */
  readonly maxBlockFileBytes?: number;
}

export const DEFAULT_CHAIN_STORE_OPTIONS: Required<ChainStoreOptions> = {
  sync: false,
  cacheSize: 32 * 1024 * 1024,
  writeBufferSize: 16 * 1024 * 1024,
  cleanCoins: DEFAULT_CLEAN_COINS,
  maxBlockFileBytes: DEFAULT_BLOCK_FILE_BYTES,
};

/** The block files' directory inside the store's. */
export const BLOCK_FILES_DIR = 'blocks';

export interface CoinEntry {
  readonly outpoint: OutPoint;
  readonly coin: Coin;
}

export class ChainStore {
  private closed = false;
  private readonly cache: WriteCache;
  private readonly reads: CachedReads;
  /** The flush in progress, if any: direct writes wait for it so they land after it. */
  private flushTail: Promise<void> = Promise.resolve();

  /** LevelDB's block cache size (getchainstates' coins_db_cache_bytes). */
  cacheBytes = DEFAULT_CHAIN_STORE_OPTIONS.cacheSize;

  private constructor(
    private readonly db: Db,
    /** Absolute path of the database directory. */
    readonly dir: string,
    /** Schema version, network and genesis this directory belongs to. */
    readonly meta: StoreMeta,
    private readonly lock: PidLockFile,
    private readonly options: Required<ChainStoreOptions>,
    private readonly files: BlockFiles,
  ) {
    this.cache = new WriteCache(options.cleanCoins);
    this.reads = new CachedReads(db, dir, this.cache, files);
  }

  /**
   * Opens (creating if needed) the store in `dir`. A new directory is stamped with the schema
   * version and the network; an existing one must match both (`wrong-schema`,
   * `wrong-network`). Another process holding it gives `locked`.
   */
  static async open(dir: string, params: NetworkParams, options: ChainStoreOptions = {}): Promise<ChainStore> {
    const settings = { ...DEFAULT_CHAIN_STORE_OPTIONS, ...options };
    const path = resolve(dir);
    const db = await openDatabase(path, settings);
    let lock: PidLockFile | undefined;
    try {
      lock = PidLockFile.claim(path);
      const meta = await loadOrInitMeta(db, path, params);
      // Each record starts with the network's tag: the genesis hash's first bytes, as a snapshot file's.
      const files = BlockFiles.open(join(path, BLOCK_FILES_DIR), hexToHash(params.genesisHash).subarray(0, 4), settings.maxBlockFileBytes);
      const store = new ChainStore(db, path, meta, lock, settings, files);
      store.cacheBytes = settings.cacheSize;
      return store;
    } catch (err) {
      lock?.release();
      await db.close().catch(() => undefined);
      throw databaseError(path, err);
    }
  }

  /**
   * LevelDB's RepairDB on a closed store (before --reindex): salvages every readable record and
   * drops damaged tables, so a store that cannot be opened or iterated can be rebuilt.
   */
  static async repair(dir: string): Promise<void> {
    const path = resolve(dir);
    const lock = PidLockFile.claim(path);
    try {
      await repairDatabase(path);
    } finally {
      lock.release();
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Closes the database and removes our lock file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushTail;
    this.closed = true;
    try {
      await this.files.close();
      await this.db.close();
    } finally {
      this.lock.release();
    }
  }

  /** A new, empty batch written straight to disk by its write() (block bodies, repairs). */
  batch(): StoreBatch {
    this.assertOpen();
    return new StoreBatch((ops) => this.commit(ops));
  }

  /** A batch whose write() lands in the write-back cache; durable only after the next flush(). */
  cachedBatch(): StoreBatch {
    this.assertOpen();
    return new StoreBatch(async (ops) => {
      this.assertOpen();
      this.cache.apply(ops);
    });
  }

  /** Approximate bytes held by the write-back cache (bounded by --dbcache). */
  get cachedBytes(): number {
    return this.cache.size;
  }

  /** Clean coins held in memory (write-cache.ts): read or flushed, equal to the database's. */
  get cleanCoins(): number {
    return this.cache.cleanCount;
  }

  /** Records waiting in the write-back cache. */
  get cachedRecords(): number {
    return this.cache.count;
  }

  /** Whether LevelDB holds everything written: no record waits in the cache and no flush is writing. */
  get written(): boolean {
    return this.cache.count === 0 && !this.cache.flushInProgress;
  }

  /** Writes everything cached in one atomic LevelDB batch; reads see the records throughout. */
  flush(): Promise<void> {
    const run = this.flushTail.then(() => this.flushNow());
    this.flushTail = run.catch(() => undefined);
    return run;
  }

  /**
   * Deletes every record under the given prefixes (reindexing). Cached records under them go
   * too; the cache must hold nothing else, so flush first.
   */
  async wipe(prefixes: readonly number[]): Promise<void> {
    this.assertOpen();
    await this.flush();
    try {
      for (const prefix of prefixes) await this.db.clear(prefixRange(prefix));
    } catch (err) {
      throw databaseError(this.dir, err);
    } finally {
      this.cache.dropClean();
    }
  }

  /** Hash of the main chain's tip, or undefined before the first block is connected. */
  async getTip(): Promise<Uint8Array | undefined> {
    const value = await this.get(TIP_KEY);
    return value && decodeHash(TIP_KEY, value);
  }

  /** Base block of the snapshot the UTXO set was loaded from (loadtxoutset), if it was. */
  async getSnapshotBase(): Promise<Uint8Array | undefined> {
    const value = await this.get(SNAPSHOT_BASE_KEY);
    return value && decodeHash(SNAPSHOT_BASE_KEY, value);
  }

  /** Base block of a verified snapshot whose install was interrupted, if any. */
  async getSnapshotInstall(): Promise<Uint8Array | undefined> {
    const value = await this.get(SNAPSHOT_INSTALL_KEY);
    return value && decodeHash(SNAPSHOT_INSTALL_KEY, value);
  }

  /** The staged snapshot coins' raw entries in key order, a chunk at a time (never cached). */
  stagedCoinChunks(): AsyncGenerator<RawEntry[]> {
    return this.dbChunks(Prefix.STAGED_COIN);
  }

  /** Count and hash_serialized_3 of the staged snapshot coins (the same figures as utxoStats). */
  async stagedCoinStats(): Promise<UtxoStats> {
    const stats = new UtxoStatsAccumulator();
    for await (const chunk of this.dbChunks(Prefix.STAGED_COIN)) stats.addChunk(chunk);
    return stats.finish(undefined);
  }

  async getBlockIndex(hash: Uint8Array): Promise<BlockIndexRecord | undefined> {
    const key = blockIndexKey(hash);
    const value = await this.get(key);
    return value && decodeBlockIndex(key, value);
  }

  /** Every block index entry, in hash order, for building the in-memory index at startup. */
  async loadBlockIndex(): Promise<BlockIndexRecord[]> {
    const records: BlockIndexRecord[] = [];
    for await (const chunk of this.chunks(Prefix.BLOCK_INDEX)) {
      for (const [key, value] of chunk) records.push(decodeBlockIndex(plainBytes(key), value));
    }
    return records;
  }

  /**
   * Every stored block body's hash (display hex) and header, for --reindex; `header` is
   * undefined where the stored bytes do not even hold a header.
   */
  async *iterateBlockHeaders(): AsyncGenerator<{ hash: string; header: BlockHeader | undefined }> {
    for await (const chunk of this.chunks(Prefix.BLOCK)) {
      for (const [rawKey, value] of chunk) {
        const hash = hashToHex(hashFromKey(plainBytes(rawKey)));
        let header: BlockHeader | undefined;
        try {
          const head = value.length === BLOCK_LOCATION_SIZE ? await this.files.read(decodeBlockLocation(value), HEADER_SIZE) : plainBytes(value);
          header = head.length >= HEADER_SIZE ? BlockHeader.decode(head.subarray(0, HEADER_SIZE)) : undefined;
        } catch (err) {
          if (isStoreError(err) && err.code !== 'corrupt') throw err;
          header = undefined;
        }
        yield { hash, header: header && header.hash() === hash ? header : undefined };
      }
    }
  }

  async hasBlock(hash: Uint8Array): Promise<boolean> {
    this.assertOpen();
    return this.reads.has(blockKey(hash));
  }

  /** The block's stored serialization (witness included), as received. */
  async getBlockBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.body(blockKey(hash));
  }

  async getBlock(hash: Uint8Array): Promise<Block | undefined> {
    const key = blockKey(hash);
    const bytes = await this.body(key);
    return bytes && decodeBlock(key, bytes);
  }

  private async body(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.assertOpen();
    return this.reads.body(key);
  }

  /** The coins the block spent, in input order; present once the block was connected. */
  async getUndo(hash: Uint8Array): Promise<Coin[] | undefined> {
    const key = undoKey(hash);
    const value = await this.get(key);
    return value && decodeUndo(key, value);
  }

  /** One coin, read synchronously from the cache or LevelDB (see CachedReads.coin). */
  async getCoin(outpoint: OutPoint): Promise<Coin | undefined> {
    this.assertOpen();
    return this.reads.coin(outpoint);
  }

  /** Coins for many outpoints in one native round trip; undefined where unspent output is absent. */
  async getCoins(outpoints: readonly OutPoint[]): Promise<Array<Coin | undefined>> {
    this.assertOpen();
    return this.reads.coins(outpoints);
  }


  /** Hash of the main-chain block at `height`, or undefined above the tip. */
  async getHashAtHeight(height: number): Promise<Uint8Array | undefined> {
    const key = heightKey(height);
    const value = await this.get(key);
    return value && decodeHash(key, value);
  }

  /** The whole UTXO set in outpoint order, from one consistent snapshot. */
  async *iterateCoins(): AsyncGenerator<CoinEntry> {
    for await (const chunk of this.chunks(Prefix.COIN)) {
      for (const [rawKey, value] of chunk) {
        const key = plainBytes(rawKey);
        yield { outpoint: outPointFromKey(key), coin: decodeCoin(key, value) };
      }
    }
  }

  /** Count, amount and Core-compatible hash of the UTXO set, with the tip they belong to. */
  async utxoStats(): Promise<UtxoStats> {
    this.assertOpen();
    // One snapshot, so a block connected meanwhile cannot mix into the numbers or the tip.
    // The cache's records are copied in the same tick, so both halves describe one moment.
    const snapshot = this.db.snapshot();
    const cachedTip = this.cache.lookup(TIP_KEY);
    const cachedCoins = this.cache.sortedUnder(Prefix.COIN);
    try {
      const tipValue = cachedTip.found ? cachedTip.value : await this.get(TIP_KEY, snapshot);
      const stats = new UtxoStatsAccumulator();
      for await (const chunk of this.chunks(Prefix.COIN, snapshot, cachedCoins)) stats.addChunk(chunk);
      return stats.finish(tipValue && decodeHash(TIP_KEY, tipValue));
    } finally {
      await snapshot.close();
    }
  }

  private async flushNow(): Promise<void> {
    this.assertOpen();
    if (this.cache.count === 0) return;
    // The chain state written now may name any block stored so far: its body must outlive a
    // power loss first, as Core flushes its block files before the coins database.
    await this.files.sync();
    try {
      await writeFilledBatch(this.db, (batch) => this.cache.beginFlush(batch), this.options.sync);
    } catch (err) {
      // Before beginFlush (no batch could be made) the records are still where they were.
      if (this.cache.flushInProgress) this.cache.flushFailed();
      throw databaseError(this.dir, err);
    }
    this.cache.flushed();
  }

  private async commit(ops: readonly BatchOperation[]): Promise<void> {
    this.assertOpen();
    if (ops.length === 0) return;
    // Bodies first: a location reaches LevelDB only once the bytes it names are written.
    const writes = ops.some((op) => op.type === 'block') ? await this.storeBodies(ops) : ops;
    if (this.options.sync && writes !== ops) await this.files.sync();
    await this.flushTail;
    this.cache.forget(writes);
    try {
      await writeBatch(this.db, dbOperations(writes), this.options.sync);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  /** Appends the batch's block bodies to the block files; the batch with their locations in their place. */
  private async storeBodies(ops: readonly BatchOperation[]): Promise<BatchOperation[]> {
    return Promise.all(
      ops.map(async (op): Promise<BatchOperation> => {
        if (op.type !== 'block') return op;
        const location = await this.files.append(bodyPartsOf(op));
        return { type: 'put', key: op.key, value: encodeBlockLocation(location) };
      }),
    );
  }

  private async get(key: Uint8Array, snapshot?: Snapshot): Promise<Uint8Array | undefined> {
    this.assertOpen();
    return this.reads.get(key, snapshot);
  }

  /**
   * Raw entries under one prefix, a chunk at a time, with the cache's records merged in (taken
   * now unless given: a caller with a snapshot passes the copy it took with it).
   */
  private async *chunks(prefix: number, snapshot?: Snapshot, cached = this.cache.sortedUnder(prefix)): AsyncGenerator<RawEntry[]> {
    yield* mergedChunks(this.dbChunks(prefix, snapshot), cached);
  }

  private async *dbChunks(prefix: number, snapshot?: Snapshot): AsyncGenerator<RawEntry[]> {
    this.assertOpen();
    yield* dbChunks(this.db, this.dir, prefix, snapshot);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('closed', `chain store ${this.dir} is closed`);
  }
}

function bodyPartsOf({ body }: BlockOperation): Uint8Array[] {
  return body instanceof Uint8Array ? [body] : bodyParts(body);
}

