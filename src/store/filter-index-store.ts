/**
 * The basic block filter index's LevelDB (`<network>/indexes/blockfilter/basic`, layout in
 * layout.ts): block hash → BIP157 filter header and BIP158 filter, and the best block indexed.
 * Records are by block hash, so those of blocks a reorg leaves behind stay right (a block's
 * filter and header depend only on it and its ancestors), as in Core's index.
 */
import { ByteWriter } from '../primitives/index.js';
import { HASH_SIZE, type IndexBest, IndexDb, hashKey, openIndexDb } from './index-db.js';
import { BlockFilterPrefix } from './layout.js';

export interface FilterRecord {
  /** Internal byte order. */
  readonly header: Uint8Array;
  readonly filter: Uint8Array;
}

const filterKey = (hash: Uint8Array): Uint8Array => hashKey(BlockFilterPrefix.FILTER, hash, 'block hash');

export class FilterIndexStore extends IndexDb {
  static async open(dir: string): Promise<FilterIndexStore> {
    return new FilterIndexStore(await openIndexDb(dir), dir, 'block filter index', Uint8Array.of(BlockFilterPrefix.BEST));
  }

  async get(hash: Uint8Array): Promise<FilterRecord | undefined> {
    const value = await this.read(filterKey(hash));
    if (!value) return undefined;
    if (value.length <= HASH_SIZE) throw this.corrupt(`record of ${value.length} bytes`);
    return { header: value.slice(0, HASH_SIZE), filter: value.slice(HASH_SIZE) };
  }

  /** Stores a block's record (when given) and the new best block, in one batch. */
  async apply(record: { hash: Uint8Array; value: FilterRecord } | undefined, best: IndexBest): Promise<void> {
    const ops = record ? [{ type: 'put' as const, key: filterKey(record.hash), value: new ByteWriter(HASH_SIZE + record.value.filter.length).bytes(record.value.header).bytes(record.value.filter).finish() }] : [];
    await this.commit(ops, best);
  }
}
