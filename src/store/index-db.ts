/**
 * What every optional index's LevelDB shares: its own database under `<network>/indexes/`, a
 * best-block record (hash and height) written in the same batch as each block's records, a
 * clear for rebuilding, and reads that treat "not found" as absent and anything else as a
 * database error naming the folder.
 */
import { ByteReader, ByteWriter } from '../primitives/index.js';
import { databaseError, type Db, type DbOperation, openDatabase, writeBatch } from './database.js';
import { StoreError } from './errors.js';

export const HASH_SIZE = 32;

/** The best block an index has reached; hash in internal byte order. */
export interface IndexBest {
  readonly hash: Uint8Array;
  readonly height: number;
}

/** Index databases are small and read at random: a modest cache and write buffer. */
export function openIndexDb(dir: string): Promise<Db> {
  return openDatabase(dir, { cacheSize: 8 * 1024 * 1024, writeBufferSize: 4 * 1024 * 1024 });
}

/** `prefix || hash`, the key of a record by a 32-byte hash. */
export function hashKey(prefix: number, hash: Uint8Array, what: string): Uint8Array {
  if (hash.length !== HASH_SIZE) throw new RangeError(`a ${what} is 32 bytes, got ${hash.length}`);
  const key = new Uint8Array(1 + HASH_SIZE);
  key[0] = prefix;
  key.set(hash, 1);
  return key;
}

export abstract class IndexDb {
  protected constructor(
    protected readonly db: Db,
    readonly dir: string,
    /** How errors name the index ("txindex"). */
    private readonly indexName: string,
    private readonly bestKey: Uint8Array,
  ) {}

  async close(): Promise<void> {
    await this.db.close();
  }

  async best(): Promise<IndexBest | undefined> {
    const value = await this.read(this.bestKey);
    if (!value) return undefined;
    if (value.length !== HASH_SIZE + 4) throw new StoreError('corrupt', `${this.indexName} best block record has ${value.length} bytes in ${this.dir}`);
    const reader = new ByteReader(value);
    return { hash: reader.bytesCopy(HASH_SIZE, 'hash'), height: reader.u32() };
  }

  /** Drops every record (the index is rebuilt from genesis). */
  async clear(): Promise<void> {
    try {
      await this.db.clear();
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  /** Writes `ops` and the new best block in one batch, so the index is always "every block up to best". */
  protected async commit(ops: DbOperation[], best: IndexBest): Promise<void> {
    const bestValue = new ByteWriter(HASH_SIZE + 4).bytes(best.hash).u32(best.height).finish();
    try {
      await writeBatch(this.db, [...ops, { type: 'put', key: this.bestKey, value: bestValue }]);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  protected corrupt(detail: string): StoreError {
    return new StoreError('corrupt', `${this.indexName} ${detail} in ${this.dir}`);
  }

  protected async read(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return (await this.db.get(key)) ?? undefined;
    } catch (err) {
      if ((err as { code?: string }).code === 'LEVEL_NOT_FOUND') return undefined;
      throw databaseError(this.dir, err);
    }
  }
}
