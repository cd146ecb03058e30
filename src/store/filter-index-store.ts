/**
 * The basic block filter index's LevelDB (`<network>/indexes/blockfilter/basic`, layout in
 * layout.ts): block hash → BIP157 filter header and BIP158 filter, and the best block indexed.
 * Records are by block hash, so those of blocks a reorg leaves behind stay right (a block's
 * filter and header depend only on it and its ancestors), as in Core's index.
 */
import { ByteReader, ByteWriter } from '../primitives/index.js';
import { databaseError, type Db, openDatabase } from './database.js';
import { StoreError } from './errors.js';
import { BlockFilterPrefix } from './layout.js';

const HASH_SIZE = 32;
const BEST_KEY = Uint8Array.of(BlockFilterPrefix.BEST);

export interface FilterRecord {
  /** Internal byte order. */
  readonly header: Uint8Array;
  readonly filter: Uint8Array;
}

function filterKey(hash: Uint8Array): Uint8Array {
  if (hash.length !== HASH_SIZE) throw new RangeError(`a block hash is 32 bytes, got ${hash.length}`);
  const key = new Uint8Array(1 + HASH_SIZE);
  key[0] = BlockFilterPrefix.FILTER;
  key.set(hash, 1);
  return key;
}

export class FilterIndexStore {
  private constructor(
    private readonly db: Db,
    readonly dir: string,
  ) {}

  static async open(dir: string): Promise<FilterIndexStore> {
    const db = await openDatabase(dir, { cacheSize: 8 * 1024 * 1024, writeBufferSize: 4 * 1024 * 1024 });
    return new FilterIndexStore(db, dir);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async best(): Promise<{ hash: Uint8Array; height: number } | undefined> {
    const value = await this.read(BEST_KEY);
    if (!value) return undefined;
    if (value.length !== HASH_SIZE + 4) throw new StoreError('corrupt', `block filter index best record has ${value.length} bytes in ${this.dir}`);
    const reader = new ByteReader(value);
    return { hash: reader.bytesCopy(HASH_SIZE, 'hash'), height: reader.u32() };
  }

  async get(hash: Uint8Array): Promise<FilterRecord | undefined> {
    const value = await this.read(filterKey(hash));
    if (!value) return undefined;
    if (value.length <= HASH_SIZE) throw new StoreError('corrupt', `block filter record of ${value.length} bytes in ${this.dir}`);
    return { header: value.slice(0, HASH_SIZE), filter: value.slice(HASH_SIZE) };
  }

  /** Stores a block's record (when given) and the new best block, in one batch. */
  async apply(record: { hash: Uint8Array; value: FilterRecord } | undefined, best: { hash: Uint8Array; height: number }): Promise<void> {
    const ops: Array<{ type: 'put'; key: Uint8Array; value: Uint8Array }> = [];
    if (record) ops.push({ type: 'put', key: filterKey(record.hash), value: new ByteWriter(HASH_SIZE + record.value.filter.length).bytes(record.value.header).bytes(record.value.filter).finish() });
    ops.push({ type: 'put', key: BEST_KEY, value: new ByteWriter(HASH_SIZE + 4).bytes(best.hash).u32(best.height).finish() });
    try {
      await this.db.batch(ops);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  async clear(): Promise<void> {
    try {
      await this.db.clear();
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  private async read(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return (await this.db.get(key)) ?? undefined;
    } catch (err) {
      if ((err as { code?: string }).code === 'LEVEL_NOT_FOUND') return undefined;
      throw databaseError(this.dir, err);
    }
  }
}
