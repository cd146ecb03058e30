/**
 * The transaction index's LevelDB (`<network>/indexes/txindex`, layout in layout.ts): txid →
 * hash of the block holding it, and the best block indexed. Each block's entries and the new
 * best are written in one batch, so the index is always exactly "every block up to best".
 */
import { HASH_SIZE, type IndexBest, IndexDb, hashKey, openIndexDb } from './index-db.js';
import { TxIndexPrefix } from './layout.js';

export type TxIndexBest = IndexBest;

/** One block added to (put) or removed from (del) the index, and the best block after it. */
export interface TxIndexChange {
  readonly txids: readonly Uint8Array[];
  readonly blockHash: Uint8Array;
  readonly remove: boolean;
  readonly best: TxIndexBest;
}

const txKey = (txid: Uint8Array): Uint8Array => hashKey(TxIndexPrefix.TX, txid, 'txid');

export class TxIndexStore extends IndexDb {
  static async open(dir: string): Promise<TxIndexStore> {
    return new TxIndexStore(await openIndexDb(dir), dir, 'txindex', Uint8Array.of(TxIndexPrefix.BEST));
  }

  /** Hash (internal order) of the block the index holds `txid` in. */
  async blockOf(txid: Uint8Array): Promise<Uint8Array | undefined> {
    const value = await this.read(txKey(txid));
    if (value && value.length !== HASH_SIZE) throw this.corrupt(`record of ${value.length} bytes`);
    return value;
  }

  async apply(change: TxIndexChange): Promise<void> {
    const ops = change.txids.map((txid) =>
      change.remove ? { type: 'del' as const, key: txKey(txid) } : { type: 'put' as const, key: txKey(txid), value: change.blockHash },
    );
    await this.commit(ops, change.best);
  }
}
