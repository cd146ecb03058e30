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
 * cache holds it as it is, and only a write to LevelDB (dbOperations) encodes it, so a block's
 * thousands of coins are encoded by the flush a second later, not while the block connects.
 */
export interface CoinOperation {
  readonly type: 'coin';
  readonly outpoint: OutPoint;
  readonly coin: Coin | undefined;
}

/**
 * A connect's coin changes whole, in the maps its overlay made (consensus/block-inputs.ts,
 * ConnectedInputs): the write cache keeps them as one layer instead of a record per coin, so a
 * block's thousands of coins cost no map writes while it connects (write-cache.ts).
 */
export interface CoinLayer {
  /** Coins of the parent's UTXO set the block spent. */
  readonly spent: ReadonlyArray<{ readonly outpoint: OutPoint }>;
  /** Their outpoint keys (OutPoint.key()). */
  readonly spentKeys: ReadonlySet<string>;
  /** Coins the block created and left unspent, one record per tx, by txid (display hex). */
  readonly created: ReadonlyMap<string, LayerOutputs>;
}

/** One tx's coins in a layer (consensus/created-outputs.ts). */
export interface LayerOutputs {
  /** The coin at output `index`, or undefined: spent, unspendable or out of range. */
  coin(index: number): Coin | undefined;
  forEachCoin(visit: (outpoint: OutPoint, coin: Coin) => void): void;
  /** An upper bound on its coins. */
  readonly outputCount: number;
}

/** A layer's coin writes in the order they apply: its spends (coin undefined), then its new coins. */
export function forEachLayerWrite(layer: CoinLayer, write: (outpoint: OutPoint, coin: Coin | undefined) => void): void {
  for (const { outpoint } of layer.spent) write(outpoint, undefined);
  for (const outputs of layer.created.values()) outputs.forEachCoin(write);
}

export interface CoinLayerOperation {
  readonly type: 'coins';
  readonly layer: CoinLayer;
}

/**
 * A block body: appended to the block files (block-files.ts) when its batch is written, and
 * its location put under `key`. Only a direct batch (ChainStore.batch()) takes one.
 */
export interface BlockOperation {
  readonly type: 'block';
  readonly key: Uint8Array;
  readonly body: Block | Uint8Array;
}

export type BatchOperation = DbOperation | CoinOperation | CoinLayerOperation | BlockOperation;

/**
 * The LevelDB writes of some operations: coins' keys and values encoded here, a layer's coins
 * one by one. Block bodies are not LevelDB writes: the store turns them into locations first.
 */
export function dbOperations(ops: readonly BatchOperation[]): DbOperation[] {
  const writes: DbOperation[] = [];
  for (const op of ops) {
    if (op.type === 'block') throw new Error('a block body is written to the block files, not LevelDB (ChainStore.batch())');
    if (op.type === 'coin') writes.push(coinWrite(op.outpoint, op.coin));
    else if (op.type === 'coins') forEachLayerWrite(op.layer, (outpoint, coin) => writes.push(coinWrite(outpoint, coin)));
    else writes.push(op);
  }
  return writes;
}

function coinWrite(outpoint: OutPoint, coin: Coin | undefined): DbOperation {
  const key = coinKey(outpoint);
  return coin ? { type: 'put', key, value: encodeCoin(coin) } : { type: 'del', key };
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

  /** Stores the block body (in the block files); bytes are stored as given. */
  putBlock(hash: Uint8Array, block: Block | Uint8Array): this {
    this.assertOpen();
    this.ops.push({ type: 'block', key: blockKey(hash), body: block });
    return this;
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

  /** A connect's coin changes, held whole (see CoinLayer). */
  connectCoins(layer: CoinLayer): this {
    this.assertOpen();
    this.ops.push({ type: 'coins', layer });
    return this;
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
