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

/**
 * A coin added (`coin`) or spent (undefined), kept as the object the connect made: the write
 * cache holds it as it is, and only a write to LevelDB (dbOperation) encodes it, so a block's
 * thousands of coins are encoded by the flush a second later, not while the block connects.
 */
export interface CoinOperation {
  readonly type: 'coin';
  readonly outpoint: OutPoint;
  readonly coin: Coin | undefined;
}

export type BatchOperation = DbOperation | CoinOperation;

/** The LevelDB write of an operation: a coin's key and value encoded here. */
export function dbOperation(op: BatchOperation): DbOperation {
  if (op.type !== 'coin') return op;
  const key = coinKey(op.outpoint);
  return op.coin ? { type: 'put', key, value: encodeCoin(op.coin) } : { type: 'del', key };
}

/**
 * Collects the writes of one chain change (a connect, a disconnect, a header) and commits them
 * as a single LevelDB batch, so a crash leaves either all of them or none. Operations apply in
 * the order added: a coin added then spent within one block ends up absent. Nothing reaches
 * the database until write(); a batch that is dropped unwritten leaves no trace.
 */
export class StoreBatch {
  private ops: BatchOperation[] = [];
  private written = false;

  constructor(private readonly commit: (ops: readonly BatchOperation[]) => Promise<void>) {}

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
    return this.coin(outpoint, coin);
  }

  spendCoin(outpoint: OutPoint): this {
    return this.coin(outpoint, undefined);
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

  private put(key: Uint8Array, value: Uint8Array): this {
    this.assertOpen();
    this.ops.push({ type: 'put', key, value });
    return this;
  }

  private del(key: Uint8Array): this {
    this.assertOpen();
    this.ops.push({ type: 'del', key });
    return this;
  }

  private coin(outpoint: OutPoint, coin: Coin | undefined): this {
    this.assertOpen();
    this.ops.push({ type: 'coin', outpoint, coin });
    return this;
  }

  private assertOpen(): void {
    if (this.written) throw new StoreError('closed', 'this batch was already written; start a new one');
  }
}
