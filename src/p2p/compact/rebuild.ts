/**
 * Rebuilding a block from its compact form and the txs we already hold (modelled on Core's
 * PartiallyDownloadedBlock): short ids are matched against the mempool and a pool of recent
 * txs; the txs still missing are fetched by position; the filled block is checked against its
 * header's merkle root and its witness commitment before the chain sees it, since a short id
 * can match the wrong tx (a 48-bit collision, or a forged message).
 */
import { Block } from '../../primitives/block.js';
import { bytesEqual } from '../../primitives/bytes.js';
import type { Transaction } from '../../primitives/transaction.js';
import { blockTxCount, type CompactBlock, compactKey } from './codec.js';
import { shortIds } from './short-id.js';

/** Why a rebuild gave up: the full block must be fetched instead. */
export type RebuildFailure =
  /** Two of the block's own short ids are equal: positions cannot be told apart. */
  | 'short-id-collision'
  /** The filled block does not match its header (a tx matched by a colliding short id, or a forged message). */
  | 'merkle-mismatch'
  /** The txs fetched do not fill the missing slots exactly. */
  | 'wrong-tx-count';

/**
 * Where a rebuild looks for txs: calls `visit` with each of its txs in order until `visit`
 * returns true (every short id answered). A callback, not an iterable: each node walks its
 * mempool for every compact block it hears, and a generator makes an object per tx it yields.
 */
export type TxPool = (visit: (tx: Transaction) => boolean) => void;

/** A pool of the txs of an array or any iterable (the recent txs). */
export function txPool(txs: Iterable<Transaction>): TxPool {
  return (visit) => {
    for (const tx of txs) if (visit(tx)) return;
  };
}

/** A pool of the mempool's txs, in its order. */
export function entriesPool(source: { entries(): Iterable<{ readonly tx: Transaction }> }): TxPool {
  return (visit) => {
    for (const entry of source.entries()) if (visit(entry.tx)) return;
  };
}

export class PartialBlock {
  private readonly slots: Array<Transaction | undefined>;
  /** A short id has matched (a slot emptied again by a second match stays claimed, and is fetched). */
  private readonly matched: boolean[];
  private readonly positions = new Map<number, number>();
  /** Txs matched from our pools. */
  fromPool = 0;

  private constructor(readonly compact: CompactBlock) {
    const total = blockTxCount(compact);
    this.slots = new Array(total);
    this.matched = new Array(total).fill(false);
    for (let i = 0; i < compact.prefilled.length; i++) {
      const { index, tx } = compact.prefilled[i];
      this.slots[index] = tx;
      this.matched[index] = true;
    }
  }

  /**
   * Lays out the block and fills what `pools` hold (each a source of txs: the mempool, recent
   * txs). Fails when the message's own short ids collide.
   */
  static init(compact: CompactBlock, pools: readonly TxPool[]): PartialBlock | RebuildFailure {
    const partial = new PartialBlock(compact);
    let slot = 0;
    // Indexed: run once per block by each node, not often enough to be optimised before it ends.
    for (let i = 0; i < compact.shortIds.length; i++) {
      const sid = compact.shortIds[i];
      while (partial.matched[slot]) slot++;
      if (partial.positions.has(sid)) return 'short-id-collision';
      partial.positions.set(sid, slot++);
    }
    partial.match(pools);
    return partial;
  }

  private match(pools: readonly TxPool[]): void {
    const key = compactKey(this.compact);
    const wanted = this.positions.size;
    const chunk: Transaction[] = [];
    // Hashes the chunk and offers its txs; true once every short id is answered, to stop early
    // as Core does (a later second match goes unseen).
    const matchChunk = (): boolean => {
      const wtxids = chunk.map((tx) => tx.wtxidBytes());
      const ids = shortIds(key, wtxids);
      for (let i = 0; i < chunk.length; i++) {
        if (this.fromPool === wanted) return true;
        this.offer(chunk[i], wtxids[i], ids[i]);
      }
      chunk.length = 0;
      return this.fromPool === wanted;
    };
    let answered = false;
    for (const pool of pools) {
      pool((tx) => {
        chunk.push(tx);
        if (chunk.length === MATCH_CHUNK) answered = matchChunk();
        return answered;
      });
      // Each pool's last chunk before the next pool is walked at all (the recent txs copy theirs).
      if (!answered && chunk.length > 0) answered = matchChunk();
      if (answered) return;
    }
  }

  /** A tx of ours whose short id is `id`: fills its slot, or empties it on a second match. */
  private offer(tx: Transaction, wtxid: Uint8Array, id: number): void {
    const position = this.positions.get(id);
    if (position === undefined) return;
    const held = this.slots[position];
    if (!this.matched[position]) {
      this.slots[position] = tx;
      this.matched[position] = true;
      this.fromPool++;
    } else if (held && !bytesEqual(held.wtxidBytes(), wtxid)) {
      // Two txs of ours share the short id: ask for the real one rather than guess.
      this.slots[position] = undefined;
      this.fromPool--;
    }
  }

  /** Positions of the txs we still need, increasing. */
  missing(): number[] {
    const out: number[] = [];
    // A plain loop: forEach would skip the array's never-filled holes.
    for (let i = 0; i < this.slots.length; i++) if (!this.slots[i]) out.push(i);
    return out;
  }

  /** The block with `txs` in the missing slots (in order), checked against the header. */
  fill(txs: readonly Transaction[]): Block | RebuildFailure {
    const missing = this.missing();
    if (txs.length !== missing.length) return 'wrong-tx-count';
    const all = [...this.slots];
    missing.forEach((position, i) => (all[position] = txs[i]));
    const block = new Block(this.compact.header, all as Transaction[]);
    return isIntact(block) ? block : 'merkle-mismatch';
  }
}

/**
 * Core's IsBlockMutated: the txids give the header's merkle root without the CVE-2012-2459
 * duplication, and the witnesses give the coinbase's commitment (or there are none).
 */
export function isIntact(block: Block): boolean {
  const { root, mutated } = block.computeMerkleRoot();
  if (mutated || !bytesEqual(root, block.header.merkleRoot)) return false;
  const commitment = block.witnessCommitment();
  if (!commitment) return !block.hasWitness();
  const reserved = block.txs[0].inputs[0]?.witness;
  if (!reserved || reserved.length !== 1 || reserved[0].length !== 32) return false;
  return bytesEqual(block.expectedWitnessCommitment(reserved[0]), commitment);
}

/** Txs hashed per kernel call: a pool of any size in one page of the kernel's memory (40 bytes a tx). */
const MATCH_CHUNK = 1_024;
