import type { Transaction } from '../primitives/transaction.js';

/** Sums over a set of pool transactions; Core's ancestor/descendant state. */
export interface PackageStats {
  count: number;
  vsize: number;
  fee: bigint;
}

/**
 * One transaction in the pool, with what the miner and eviction need kept up to date as the
 * pool changes. Like Core, `ancestor` and `descendant` include the transaction itself.
 */
export interface MempoolEntry {
  readonly tx: Transaction;
  readonly txid: string;
  readonly wtxid: string;
  /** Inputs minus outputs, in base units. */
  readonly fee: bigint;
  /** `fee` plus its prioritisetransaction delta: what the pool and the miner judge it by (Core's modified fee). */
  readonly modifiedFee: bigint;
  readonly vsize: number;
  readonly weight: number;
  /** Seconds since the epoch when it entered (kept across a reorg, so expiry still counts from it). */
  readonly time: number;
  /** Chain height when it entered. */
  readonly height: number;
  /** fee / vsize in sat/vB, for display and sorting; compare exactly with `fee` and `vsize`. */
  readonly feeRate: number;
  /** Sums with the ancestors (modified fees, as Core's nModFeesWithAncestors). */
  readonly ancestor: Readonly<PackageStats>;
  readonly descendant: Readonly<PackageStats>;
  /** Txids of in-pool transactions this one spends. */
  readonly parents: ReadonlySet<string>;
  /** Txids of in-pool transactions spending this one. */
  readonly children: ReadonlySet<string>;
  /** Estimated memory this entry holds, counted against maxBytes. */
  readonly usage: number;
}

/**
 * The relatives of an entry that has none: one shared, never-written set, so the pool's many
 * unrelated txs hold no sets of their own (two Sets and their tables a tx were 28,000 heap
 * objects in a pool of 14,000). The graph gives an entry a set of its own at its first relative.
 */
export const NO_RELATIVES: ReadonlySet<string> = new Set();

/** The pool's own mutable view of an entry; only the graph writes these fields. */
export interface MutableEntry extends MempoolEntry {
  modifiedFee: bigint;
  ancestor: PackageStats;
  descendant: PackageStats;
  /** NO_RELATIVES, or a set of the entry's own (graph.ts adds and deletes through it). */
  parents: ReadonlySet<string>;
  children: ReadonlySet<string>;
  /** Insertion sequence number, set by the graph: a parent's is always below its children's. */
  sequence: number;
}

export interface EntryFields {
  tx: Transaction;
  fee: bigint;
  /** The fee delta from prioritisetransaction (default 0). */
  feeDelta?: bigint;
  time: number;
  height: number;
}

// Rough per-object costs in V8 (entry object, relatives' sets, index keys of ~70-char outpoint strings), so
// `usage` tracks memory rather than serialized size, as Core's DynamicMemoryUsage does.
const ENTRY_OVERHEAD = 600;
const INPUT_OVERHEAD = 200;
const OUTPUT_OVERHEAD = 80;

/** The tx's fields and its kept serialization (primitives/transaction.ts) each count its size. */
export function estimateUsage(tx: Transaction): number {
  return ENTRY_OVERHEAD + 2 * tx.size() + tx.inputs.length * INPUT_OVERHEAD + tx.outputs.length * OUTPUT_OVERHEAD;
}

/** A new entry with no pool relatives yet; the graph links it and fills in its package sums. */
export function createEntry(fields: EntryFields): MutableEntry {
  const { tx, fee } = fields;
  const vsize = tx.vsize();
  const modifiedFee = fee + (fields.feeDelta ?? 0n);
  return {
    tx,
    txid: tx.txid(),
    wtxid: tx.wtxid(),
    fee,
    modifiedFee,
    vsize,
    weight: tx.weight(),
    time: fields.time,
    height: fields.height,
    feeRate: Number(fee) / vsize,
    ancestor: { count: 1, vsize, fee: modifiedFee },
    descendant: { count: 1, vsize, fee: modifiedFee },
    parents: NO_RELATIVES,
    children: NO_RELATIVES,
    sequence: 0,
    usage: estimateUsage(tx),
  };
}

/** `a` fee rate compared with `b`'s, exactly: negative when lower (fee/vsize cross-multiplied as bigints). */
export function compareFeeRates(a: { fee: bigint; vsize: number }, b: { fee: bigint; vsize: number }): number {
  const left = a.fee * BigInt(b.vsize);
  const right = b.fee * BigInt(a.vsize);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Core's descendant score: the better of the tx's own fee rate and its package-with-descendants
 * rate. Eviction removes the lowest first, so a cheap parent with a rich child (CPFP) is kept.
 */
export function descendantScore(entry: MempoolEntry): { fee: bigint; vsize: number } {
  const own = { fee: entry.modifiedFee, vsize: entry.vsize };
  const withDescendants = { fee: entry.descendant.fee, vsize: entry.descendant.vsize };
  return compareFeeRates(own, withDescendants) >= 0 ? own : withDescendants;
}
