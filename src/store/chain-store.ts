/**
 * The node's chain store: block index, block bodies, undo data, the UTXO set and the main-chain
 * height index in one LevelDB database (layout in layout.ts). Reads are plain lookups; every
 * change goes through a StoreBatch, one atomic LevelDB batch per chain change.
 */
import { resolve } from 'node:path';
import type { NetworkParams } from '../params/types.js';
import type { Block, Coin, OutPoint } from '../primitives/index.js';
import { type BatchOperation, StoreBatch } from './batch.js';
import { databaseError, type Db, openDatabase } from './database.js';
import { StoreError } from './errors.js';
import {
  blockIndexKey,
  type BlockIndexRecord,
  blockKey,
  coinKey,
  decodeBlock,
  decodeBlockIndex,
  decodeCoin,
  decodeHash,
  decodeUndo,
  heightKey,
  outPointFromKey,
  plainBytes,
  Prefix,
  prefixRange,
  type StoreMeta,
  TIP_KEY,
  undoKey,
} from './layout.js';
import { PidLockFile } from './lock.js';
import { loadOrInitMeta } from './meta.js';
import { type UtxoStats, UtxoStatsAccumulator } from './utxo-stats.js';

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
}

export const DEFAULT_CHAIN_STORE_OPTIONS: Required<ChainStoreOptions> = {
  sync: false,
  cacheSize: 32 * 1024 * 1024,
  writeBufferSize: 16 * 1024 * 1024,
};

export interface CoinEntry {
  readonly outpoint: OutPoint;
  readonly coin: Coin;
}

type Snapshot = ReturnType<Db['snapshot']>;
type RawEntry = [Uint8Array, Uint8Array];

/** Entries fetched per iterator step: large enough to amortise the native call, small in memory. */
const ITERATOR_CHUNK = 1000;
/** classic-level stops a step at this many bytes (default 16 KiB, ~100 entries); room for a full chunk. */
const ITERATOR_CHUNK_BYTES = 1024 * 1024;

export class ChainStore {
  private closed = false;

  private constructor(
    private readonly db: Db,
    /** Absolute path of the database directory. */
    readonly dir: string,
    /** Schema version, network and genesis this directory belongs to. */
    readonly meta: StoreMeta,
    private readonly lock: PidLockFile,
    private readonly options: Required<ChainStoreOptions>,
  ) {}

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
      return new ChainStore(db, path, meta, lock, settings);
    } catch (err) {
      lock?.release();
      await db.close().catch(() => undefined);
      throw databaseError(path, err);
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Closes the database and removes our lock file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.lock.release();
    }
  }

  /** A new, empty batch; nothing is written until its write(). */
  batch(): StoreBatch {
    this.assertOpen();
    return new StoreBatch((ops) => this.commit(ops));
  }

  /** Hash of the main chain's tip, or undefined before the first block is connected. */
  async getTip(): Promise<Uint8Array | undefined> {
    const value = await this.get(TIP_KEY);
    return value && decodeHash(TIP_KEY, value);
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

  async hasBlock(hash: Uint8Array): Promise<boolean> {
    this.assertOpen();
    try {
      return await this.db.has(blockKey(hash));
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  /** The block's stored serialization (witness included), as received. */
  async getBlockBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const value = await this.get(blockKey(hash));
    return value && plainBytes(value);
  }

  async getBlock(hash: Uint8Array): Promise<Block | undefined> {
    const key = blockKey(hash);
    const value = await this.get(key);
    return value && decodeBlock(key, value);
  }

  /** The coins the block spent, in input order; present once the block was connected. */
  async getUndo(hash: Uint8Array): Promise<Coin[] | undefined> {
    const key = undoKey(hash);
    const value = await this.get(key);
    return value && decodeUndo(key, value);
  }

  async getCoin(outpoint: OutPoint): Promise<Coin | undefined> {
    const key = coinKey(outpoint);
    const value = await this.get(key);
    return value && decodeCoin(key, value);
  }

  /** Coins for many outpoints in one native round trip; undefined where unspent output is absent. */
  async getCoins(outpoints: readonly OutPoint[]): Promise<Array<Coin | undefined>> {
    this.assertOpen();
    const keys = outpoints.map(coinKey);
    let values: Array<Uint8Array | undefined>;
    try {
      values = await this.db.getMany(keys);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
    return values.map((value, i) => value && decodeCoin(keys[i], value));
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
    const snapshot = this.db.snapshot();
    try {
      const tipValue = await this.get(TIP_KEY, snapshot);
      const stats = new UtxoStatsAccumulator();
      for await (const chunk of this.chunks(Prefix.COIN, snapshot)) stats.addChunk(chunk);
      return stats.finish(tipValue && decodeHash(TIP_KEY, tipValue));
    } finally {
      await snapshot.close();
    }
  }

  private async commit(ops: readonly BatchOperation[]): Promise<void> {
    this.assertOpen();
    if (ops.length === 0) return;
    try {
      await this.db.batch(ops as BatchOperation[], { sync: this.options.sync });
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  private async get(key: Uint8Array, snapshot?: Snapshot): Promise<Uint8Array | undefined> {
    this.assertOpen();
    try {
      return await this.db.get(key, snapshot ? { snapshot } : {});
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  /** Raw entries under one prefix, a chunk at a time; the iterator reads from a snapshot. */
  private async *chunks(prefix: number, snapshot?: Snapshot): AsyncGenerator<RawEntry[]> {
    this.assertOpen();
    const iterator = this.db.iterator({
      ...prefixRange(prefix),
      ...(snapshot ? { snapshot } : {}),
      highWaterMarkBytes: ITERATOR_CHUNK_BYTES,
      // A full scan would otherwise evict the hot blocks (recent coins) from LevelDB's cache.
      fillCache: false,
    });
    try {
      for (;;) {
        let chunk: RawEntry[];
        try {
          chunk = await iterator.nextv(ITERATOR_CHUNK);
        } catch (err) {
          throw databaseError(this.dir, err);
        }
        if (chunk.length === 0) return;
        yield chunk;
      }
    } finally {
      await iterator.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('closed', `chain store ${this.dir} is closed`);
  }
}
