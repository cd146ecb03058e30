import type { OutPoint } from '../primitives/outpoint.js';
import type { Transaction, TxOutput } from '../primitives/transaction.js';
import { type MempoolEntry, type MutableEntry, NO_RELATIVES, type PackageStats } from './entry.js';

/**
 * The pool's transactions and the links between them: who spends which outpoint, parents and
 * children, and each entry's ancestor and descendant sums. Pure bookkeeping; no rules.
 * Insertion order is topological (a tx enters only after its in-pool parents), which removal
 * relies on to unlink descendants before ancestors.
 */
export class TxGraph {
  private readonly byTxid = new Map<string, MutableEntry>();
  /** The next entry's `sequence`: kept on the entry, one map operation fewer per add and removal. */
  private nextSequence = 0;
  /** Outpoint key → txid of the pool tx spending it. */
  private readonly spenders = new Map<string, string>();
  private totals = { vsize: 0, usage: 0, fee: 0n };

  get size(): number {
    return this.byTxid.size;
  }

  /** Sum of vsizes (getmempoolinfo's `bytes`). */
  get vsize(): number {
    return this.totals.vsize;
  }

  get usage(): number {
    return this.totals.usage;
  }

  get totalFee(): bigint {
    return this.totals.fee;
  }

  has(txid: string): boolean {
    return this.byTxid.has(txid);
  }

  get(txid: string): MutableEntry | undefined {
    return this.byTxid.get(txid);
  }

  /** In insertion order, so parents come before their children. */
  entries(): IterableIterator<MutableEntry> {
    return this.byTxid.values();
  }

  spentBy(outpoint: OutPoint): string | undefined {
    return this.spenders.get(outpoint.key());
  }

  /** Output `outpoint.index` of a pool tx, spent in the pool or not. */
  output(outpoint: OutPoint): TxOutput | undefined {
    return this.byTxid.get(outpoint.txidHex())?.tx.outputs[outpoint.index];
  }

  /** Txids of the pool txs `tx` spends from (NO_RELATIVES when none). */
  parentsOf(tx: Transaction): ReadonlySet<string> {
    let parents: Set<string> | undefined;
    for (const input of tx.inputs) {
      const txid = input.prevout.txidHex();
      if (this.byTxid.has(txid)) (parents ??= new Set()).add(txid);
    }
    return parents ?? NO_RELATIVES;
  }

  /** Every in-pool ancestor reachable from `parents` (the parents included). */
  ancestorsFrom(parents: Iterable<string>): Set<MutableEntry> {
    return this.walk(parents, (entry) => entry.parents);
  }

  ancestorsOf(txid: string): MempoolEntry[] {
    const entry = this.byTxid.get(txid);
    return entry ? [...this.walk(entry.parents, (e) => e.parents)] : [];
  }

  descendantsOf(txid: string): MempoolEntry[] {
    const entry = this.byTxid.get(txid);
    return entry ? [...this.walk(entry.children, (e) => e.children)] : [];
  }

  /**
   * Adds an entry whose parents are all in the pool; `ancestors` is `ancestorsFrom(parents)`,
   * computed once by the caller for the limit checks.
   */
  add(entry: MutableEntry, ancestors: ReadonlySet<MutableEntry>): void {
    if (this.byTxid.has(entry.txid)) throw new Error(`${entry.txid} is already in the pool`);
    entry.parents = this.parentsOf(entry.tx);
    entry.children = NO_RELATIVES;
    entry.ancestor = { count: 1, vsize: entry.vsize, fee: entry.modifiedFee };
    entry.descendant = { count: 1, vsize: entry.vsize, fee: entry.modifiedFee };
    for (const ancestor of ancestors) {
      addTo(entry.ancestor, ancestor, 1);
      addTo(ancestor.descendant, entry, 1);
    }
    for (const parent of entry.parents) {
      const parentEntry = this.byTxid.get(parent)!;
      parentEntry.children = withRelative(parentEntry.children, entry.txid);
    }
    for (const input of entry.tx.inputs) this.spenders.set(input.prevout.key(), entry.txid);
    this.byTxid.set(entry.txid, entry);
    entry.sequence = this.nextSequence++;
    this.totals.vsize += entry.vsize;
    this.totals.usage += entry.usage;
    this.totals.fee += entry.fee;
  }

  /**
   * Removes one entry, taking it out of its relatives' sums. Its in-pool descendants stay (a
   * mined tx's children are still valid); use removeWithDescendants to drop them too.
   */
  remove(txid: string): MutableEntry | undefined {
    const entry = this.byTxid.get(txid);
    if (!entry) return undefined;
    // Most txs a block confirms have no relatives left in the pool: no walk, no sets to allocate.
    if (entry.parents.size > 0) for (const ancestor of this.walk(entry.parents, (e) => e.parents)) addTo(ancestor.descendant, entry, -1);
    if (entry.children.size > 0) for (const descendant of this.walk(entry.children, (e) => e.children)) addTo(descendant.ancestor, entry, -1);
    for (const parent of entry.parents) {
      const parentEntry = this.byTxid.get(parent);
      if (parentEntry) parentEntry.children = withoutRelative(parentEntry.children, txid);
    }
    for (const child of entry.children) {
      const childEntry = this.byTxid.get(child);
      if (childEntry) childEntry.parents = withoutRelative(childEntry.parents, txid);
    }
    for (const input of entry.tx.inputs) {
      const key = input.prevout.key();
      if (this.spenders.get(key) === txid) this.spenders.delete(key);
    }
    this.byTxid.delete(txid);
    this.totals.vsize -= entry.vsize;
    this.totals.usage -= entry.usage;
    this.totals.fee -= entry.fee;
    return entry;
  }

  /** prioritisetransaction: a new modified fee for a pool tx, carried into its relatives' package sums. */
  setModifiedFee(txid: string, modifiedFee: bigint): void {
    const entry = this.byTxid.get(txid);
    if (!entry) return;
    const change = modifiedFee - entry.modifiedFee;
    entry.modifiedFee = modifiedFee;
    entry.ancestor.fee += change;
    entry.descendant.fee += change;
    for (const ancestor of this.walk(entry.parents, (e) => e.parents)) ancestor.descendant.fee += change;
    for (const descendant of this.walk(entry.children, (e) => e.children)) descendant.ancestor.fee += change;
  }

  /** Removes the tx and everything spending from it, children before parents; returns them in that order. */
  removeWithDescendants(txid: string): MutableEntry[] {
    const root = this.byTxid.get(txid);
    if (!root) return [];
    const doomed = [root, ...this.walk(root.children, (e) => e.children)];
    // Latest-inserted first is leaves first, so each removal still sees its whole ancestry.
    doomed.sort((a, b) => b.sequence - a.sequence);
    for (const entry of doomed) this.remove(entry.txid);
    return doomed;
  }

  /** Empties the pool and returns every entry in insertion (topological) order. */
  clear(): MutableEntry[] {
    const all = [...this.byTxid.values()];
    this.byTxid.clear();
    this.spenders.clear();
    this.totals = { vsize: 0, usage: 0, fee: 0n };
    return all;
  }

  private walk(start: Iterable<string>, next: (entry: MutableEntry) => Iterable<string>): Set<MutableEntry> {
    const found = new Set<MutableEntry>();
    const stack = [...start];
    while (stack.length > 0) {
      const entry = this.byTxid.get(stack.pop()!);
      if (!entry || found.has(entry)) continue;
      found.add(entry);
      for (const txid of next(entry)) stack.push(txid);
    }
    return found;
  }
}

/** `relatives` with `txid` added: a set of the entry's own from the first relative on. */
function withRelative(relatives: ReadonlySet<string>, txid: string): ReadonlySet<string> {
  if (relatives === NO_RELATIVES) return new Set([txid]);
  (relatives as Set<string>).add(txid);
  return relatives;
}

/** `relatives` without `txid`; NO_RELATIVES once none is left, so the set can go. */
function withoutRelative(relatives: ReadonlySet<string>, txid: string): ReadonlySet<string> {
  if (relatives === NO_RELATIVES) return relatives;
  (relatives as Set<string>).delete(txid);
  return relatives.size === 0 ? NO_RELATIVES : relatives;
}

function addTo(stats: PackageStats, entry: MempoolEntry, sign: 1 | -1): void {
  stats.count += sign;
  stats.vsize += sign * entry.vsize;
  stats.fee += sign === 1 ? entry.modifiedFee : -entry.modifiedFee;
}
