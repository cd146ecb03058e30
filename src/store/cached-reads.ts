/**
 * The chain store's reads through its write-back cache: what the cache holds (a record written or
 * deleted since the last flush, a clean coin) answers without LevelDB; anything else is read
 * from LevelDB, and where a read raced a flush the cache still wins for the keys it has.
 */
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import { BLOCK_LOCATION_SIZE, type BlockFiles, decodeBlockLocation } from './block-files.js';
import { databaseError, type Db } from './database.js';
import { coinKey, decodeCoin, plainBytes } from './layout.js';
import type { Snapshot } from './prefix-scan.js';
import type { WriteCache } from './write-cache.js';

export class CachedReads {
  constructor(
    private readonly db: Db,
    /** Names the database in errors. */
    private readonly dir: string,
    private readonly cache: WriteCache,
    private readonly files: BlockFiles,
  ) {}

  /** A record's value; from `snapshot` alone when given (the caller took the cache's copy with it). */
  async get(key: Uint8Array, snapshot?: Snapshot): Promise<Uint8Array | undefined> {
    if (!snapshot) {
      const cached = this.cache.lookup(key);
      if (cached.found) return cached.value;
    }
    try {
      const value = await this.db.get(key, snapshot ? { snapshot } : {});
      if (snapshot) return value;
      // A flush may have landed meanwhile; the cache still wins where it has the key.
      const cached = this.cache.lookup(key);
      return cached.found ? cached.value : value;
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  async has(key: Uint8Array): Promise<boolean> {
    const cached = this.cache.lookup(key);
    if (cached.found) return cached.value !== undefined;
    try {
      return await this.db.has(key);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  /**
   * A block key's value is where the body is in the block files, read synchronously as coin()
   * reads a coin (a few microseconds from LevelDB's caches), so a body costs one thread-pool
   * round trip, the file's, as it did when LevelDB held it. A store written before the block
   * files holds the body itself there (no body is as short as a location), still read as it is.
   */
  async body(key: Uint8Array): Promise<Uint8Array | undefined> {
    const cached = this.cache.lookup(key);
    let value: Uint8Array | undefined;
    if (cached.found) value = cached.value;
    else {
      try {
        value = this.db.getSync(key);
      } catch (err) {
        throw databaseError(this.dir, err);
      }
    }
    if (!value) return undefined;
    if (value.length === BLOCK_LOCATION_SIZE) return this.files.read(decodeBlockLocation(value));
    return plainBytes(value);
  }

  /**
   * One coin, read synchronously (cache, then LevelDB's getSync), as Core's CCoinsViewDB does:
   * a UTXO lookup is a few microseconds from LevelDB's caches, while the asynchronous read pays
   * a thread-pool round trip (about a millisecond on a busy machine) for every transaction the
   * mempool checks. Nothing can land between the cache lookup and the read.
   */
  coin(outpoint: OutPoint): Coin | undefined {
    const cached = this.cache.lookupCoin(outpoint);
    if (cached.found) return cached.coin;
    const key = coinKey(outpoint);
    let value: Uint8Array | undefined;
    try {
      value = this.db.getSync(key);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
    const coin = value && decodeCoin(key, value);
    // A synchronous read cannot race a write: kept as a clean coin (a miss is not kept).
    this.cache.rememberCoins([outpoint], [coin], this.cache.readGeneration);
    return coin;
  }

  /** Coins for many outpoints in one native round trip; undefined where unspent output is absent. */
  async coins(outpoints: readonly OutPoint[]): Promise<Array<Coin | undefined>> {
    const coins: Array<Coin | undefined> = new Array(outpoints.length);
    const missed: number[] = [];
    outpoints.forEach((outpoint, i) => {
      const cached = this.cache.lookupCoin(outpoint);
      if (cached.found) coins[i] = cached.coin;
      else missed.push(i);
    });
    if (missed.length === 0) return coins;
    const missedOutpoints = missed.map((i) => outpoints[i]);
    const keys = missedOutpoints.map(coinKey);
    const generation = this.cache.readGeneration;
    let values: Array<Uint8Array | undefined>;
    try {
      values = await this.db.getMany(keys);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
    const read = values.map((value, j) => value && decodeCoin(keys[j], value));
    this.cache.rememberCoins(missedOutpoints, read, generation);
    // A flush may have landed meanwhile; the cache still wins where it has the key.
    missed.forEach((i, j) => {
      const cached = this.cache.lookupCoin(outpoints[i]);
      coins[i] = cached.found ? cached.coin : read[j];
    });
    return coins;
  }
}
