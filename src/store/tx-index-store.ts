/**
 * The transaction index's LevelDB (`<network>/indexes/txindex`, layout in layout.ts): txid →
 * hash of the block holding it, and the best block indexed. Each block's entries and the new
 * best are written in one batch, so the index is always exactly "every block up to best".
 */
import { ByteReader, ByteWriter } from '../primitives/index.js';
import { databaseError, type Db, openDatabase } from './database.js';
import { StoreError } from './errors.js';
import { TxIndexPrefix } from './layout.js';

const HASH_SIZE = 32;
const BEST_KEY = Uint8Array.of(TxIndexPrefix.BEST);

export interface TxIndexBest {
  /** Internal byte order. */
  readonly hash: Uint8Array;
  readonly height: number;
}

/** One block added to (put) or removed from (del) the index, and the best block after it. */
export interface TxIndexChange {
  readonly txids: readonly Uint8Array[];
  readonly blockHash: Uint8Array;
  readonly remove: boolean;
  readonly best: TxIndexBest;
}

function txKey(txid: Uint8Array): Uint8Array {
  if (txid.length !== HASH_SIZE) throw new RangeError(`a txid is 32 bytes, got ${txid.length}`);
  const key = new Uint8Array(1 + HASH_SIZE);
  key[0] = TxIndexPrefix.TX;
  key.set(txid, 1);
  return key;
}

export class TxIndexStore {
  private constructor(
    private readonly db: Db,
    readonly dir: string,
  ) {}

  static async open(dir: string): Promise<TxIndexStore> {
    const db = await openDatabase(dir, { cacheSize: 8 * 1024 * 1024, writeBufferSize: 4 * 1024 * 1024 });
    return new TxIndexStore(db, dir);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async best(): Promise<TxIndexBest | undefined> {
    const value = await this.read(BEST_KEY);
    if (!value) return undefined;
    if (value.length !== HASH_SIZE + 4) throw new StoreError('corrupt', `txindex best block record has ${value.length} bytes in ${this.dir}`);
    const reader = new ByteReader(value);
    return { hash: reader.bytesCopy(HASH_SIZE, 'hash'), height: reader.u32() };
  }

  /** Hash (internal order) of the block the index holds `txid` in. */
  async blockOf(txid: Uint8Array): Promise<Uint8Array | undefined> {
    const value = await this.read(txKey(txid));
    if (value && value.length !== HASH_SIZE) throw new StoreError('corrupt', `txindex record of ${value.length} bytes in ${this.dir}`);
    return value;
  }

  async apply(change: TxIndexChange): Promise<void> {
    const best = new ByteWriter(HASH_SIZE + 4).bytes(change.best.hash).u32(change.best.height).finish();
    const ops = change.txids.map((txid) =>
      change.remove ? { type: 'del' as const, key: txKey(txid) } : { type: 'put' as const, key: txKey(txid), value: change.blockHash },
    );
    try {
      await this.db.batch([...ops, { type: 'put', key: BEST_KEY, value: best }]);
    } catch (err) {
      throw databaseError(this.dir, err);
    }
  }

  /** Drops every record (the index is rebuilt from genesis). */
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
