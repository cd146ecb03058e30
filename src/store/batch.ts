import { type Block, type Coin, type OutPoint } from '../primitives/index.js';
import type { DbOperation } from './database.js';
import { StoreError } from './errors.js';
import {
  blockIndexKey,
  type BlockIndexRecord,
  blockKey,
  coinKey,
  encodeBlockIndex,
  encodeCoin,
  encodeHash,
  encodeUndo,
  heightKey,
  SNAPSHOT_BASE_KEY,
  SNAPSHOT_INSTALL_KEY,
  stagedCoinKey,
  TIP_KEY,
  undoKey,
} from './layout.js';

export type BatchOperation = DbOperation;

/**
 * Collects the writes of one chain change (a connect, a disconnect, a header) and commits them
 * as a single LevelDB batch, so a crash leaves either all of them or none. Operations apply in
 * the order added: a coin added then spent within one block ends up absent. Nothing reaches
 * the database until write(); a batch that is dropped unwritten leaves no trace.
 */
export class StoreBatch {
  private ops: BatchOperation[] = [];
  private written = false;

  constructor(
    private readonly commit: (ops: readonly BatchOperation[]) => Promise<void>,
    /** Told each coin added and the bytes it was encoded to (the store's cache of decoded coins). */
    private readonly encodedCoin?: (value: Uint8Array, coin: Coin) => void,
  ) {}

  /** Operations queued so far. */
  get length(): number {
    return this.ops.length;
  }

  putBlockIndex(record: BlockIndexRecord): this {
    return this.put(blockIndexKey(record.hash), encodeBlockIndex(record));
  }

  /** Stores the block body; pass the bytes when they are at hand to skip re-encoding. */
  putBlock(hash: Uint8Array, block: Block | Uint8Array): this {
    return this.put(blockKey(hash), block instanceof Uint8Array ? block : block.encode());
  }

  /** The coins the block spent, in input order (coinbase excluded). */
  putUndo(hash: Uint8Array, spent: readonly Coin[]): this {
    return this.put(undoKey(hash), encodeUndo(spent));
  }

  addCoin(outpoint: OutPoint, coin: Coin): this {
    const value = encodeCoin(coin);
    this.encodedCoin?.(value, coin);
    return this.put(coinKey(outpoint), value, outpoint);
  }

  spendCoin(outpoint: OutPoint): this {
    return this.del(coinKey(outpoint), outpoint);
  }

  putHeight(height: number, hash: Uint8Array): this {
    return this.put(heightKey(height), encodeHash(hash));
  }

  deleteHeight(height: number): this {
    return this.del(heightKey(height));
  }

  setTip(hash: Uint8Array): this {
    return this.put(TIP_KEY, encodeHash(hash));
  }

  /** A snapshot's coin, staged until the snapshot is verified (loadtxoutset). */
  stageCoin(outpoint: OutPoint, coin: Coin): this {
    return this.put(stagedCoinKey(outpoint), encodeCoin(coin));
  }

  /** A staged coin made live, its stored bytes as they are (key from coinKeyFromStaged). */
  putCoinBytes(key: Uint8Array, value: Uint8Array): this {
    return this.put(key, value);
  }

  /** The UTXO set now comes from the snapshot based at `hash`. */
  setSnapshotBase(hash: Uint8Array): this {
    return this.put(SNAPSHOT_BASE_KEY, encodeHash(hash));
  }

  deleteSnapshotBase(): this {
    return this.del(SNAPSHOT_BASE_KEY);
  }

  /** A verified, staged snapshot is being installed: open finishes the install after a crash. */
  setSnapshotInstall(hash: Uint8Array): this {
    return this.put(SNAPSHOT_INSTALL_KEY, encodeHash(hash));
  }

  clearSnapshotInstall(): this {
    return this.del(SNAPSHOT_INSTALL_KEY);
  }

  /** Commits every queued operation atomically. A batch is written at most once. */
  async write(): Promise<void> {
    this.assertOpen();
    this.written = true;
    const ops = this.ops;
    this.ops = [];
    await this.commit(ops);
  }

  private put(key: Uint8Array, value: Uint8Array, outpoint?: OutPoint): this {
    this.assertOpen();
    this.ops.push({ type: 'put', key, value, outpoint });
    return this;
  }

  private del(key: Uint8Array, outpoint?: OutPoint): this {
    this.assertOpen();
    this.ops.push({ type: 'del', key, outpoint });
    return this;
  }

  private assertOpen(): void {
    if (this.written) throw new StoreError('closed', 'this batch was already written; start a new one');
  }
}
