import type { Transaction } from '../primitives/transaction.js';

export interface OrphanPoolOptions {
  maxOrphans: number;
  orphanExpirySeconds: number;
}

interface Orphan {
  readonly tx: Transaction;
  readonly txid: string;
  readonly wtxid: string;
  /** Txids of the parents it was missing when it arrived. */
  readonly missing: readonly string[];
  readonly expires: number;
}

/**
 * Copies of one txid held at once. Witnesses are not checked until the parents come, so a relay
 * can send a stripped or altered copy first; holding a few means it cannot make us drop the real
 * one, which is tried in turn when the parents arrive (Core keys its orphanage by wtxid).
 */
export const MAX_ORPHAN_COPIES = 4;

/**
 * Transactions whose inputs are unknown, held (bounded, for a while) in case the parents come:
 * txs are often relayed out of order. Keyed by wtxid, indexed by txid and by missing parent. When
 * full the oldest goes, which costs an attacker as much as random eviction and keeps tests
 * deterministic.
 */
export class OrphanTxPool {
  private readonly byWtxid = new Map<string, Orphan>();
  /** Txid to the wtxids of its copies, oldest first. */
  private readonly byTxid = new Map<string, string[]>();
  /** Parent txid to the wtxids waiting for it. */
  private readonly byParent = new Map<string, Set<string>>();

  constructor(private readonly options: OrphanPoolOptions) {}

  /** Orphans held, counting each copy. */
  get size(): number {
    return this.byWtxid.size;
  }

  /** Whether some copy of this txid is held. */
  has(txid: string): boolean {
    return this.byTxid.has(txid);
  }

  /** Holds `tx` until one of `missing` arrives; returns the txids evicted to make room. */
  add(tx: Transaction, missing: readonly string[], now: number): string[] {
    const wtxid = tx.wtxid();
    if (this.byWtxid.has(wtxid) || this.options.maxOrphans === 0) return [];
    const txid = tx.txid();
    const evicted: string[] = [];
    const copies = this.byTxid.get(txid);
    if (copies && copies.length >= MAX_ORPHAN_COPIES) evicted.push(this.removeCopy(copies[0]));
    while (this.byWtxid.size >= this.options.maxOrphans) evicted.push(this.removeCopy(this.byWtxid.keys().next().value!));
    this.byWtxid.set(wtxid, { tx, txid, wtxid, missing, expires: now + this.options.orphanExpirySeconds });
    this.byTxid.set(txid, [...(this.byTxid.get(txid) ?? []), wtxid]);
    for (const parent of missing) {
      let waiting = this.byParent.get(parent);
      if (!waiting) this.byParent.set(parent, (waiting = new Set()));
      waiting.add(wtxid);
    }
    return evicted;
  }

  /** Whether any orphan waits for an output of this tx. */
  hasChildrenOf(parentTxid: string): boolean {
    return this.byParent.has(parentTxid);
  }

  /** Takes out (and returns) the orphans waiting on `parentTxid`, every copy, to be tried again. */
  takeChildrenOf(parentTxid: string): Transaction[] {
    const waiting = this.byParent.get(parentTxid);
    if (!waiting) return [];
    const txs: Transaction[] = [];
    for (const wtxid of [...waiting]) {
      const orphan = this.byWtxid.get(wtxid);
      if (orphan) txs.push(orphan.tx);
      this.removeCopy(wtxid);
    }
    return txs;
  }

  /** Drops orphans a block mined or made invalid by spending one of their inputs (Core's EraseForBlock). */
  removeForBlock(txs: readonly Transaction[]): void {
    // The orphans are few (at most maxOrphans) and a block's inputs many: index the orphans' spends.
    if (this.byWtxid.size === 0) return;
    const spenders = new Map<string, string[]>();
    for (const orphan of this.byWtxid.values()) {
      for (const input of orphan.tx.inputs) {
        const key = input.prevout.key();
        const wtxids = spenders.get(key);
        if (wtxids) wtxids.push(orphan.wtxid);
        else spenders.set(key, [orphan.wtxid]);
      }
    }
    for (const tx of txs) {
      for (const input of tx.inputs) {
        for (const wtxid of spenders.get(input.prevout.key()) ?? []) if (this.byWtxid.has(wtxid)) this.removeCopy(wtxid);
      }
    }
  }

  /** Drops orphans past their time; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const orphan of [...this.byWtxid.values()]) {
      if (orphan.expires <= now) {
        this.removeCopy(orphan.wtxid);
        dropped++;
      }
    }
    return dropped;
  }

  /** Drops every copy of `txid`. */
  remove(txid: string): void {
    for (const wtxid of this.byTxid.get(txid) ?? []) this.removeCopy(wtxid);
  }

  /** Drops one copy; returns its txid. */
  private removeCopy(wtxid: string): string {
    const orphan = this.byWtxid.get(wtxid);
    if (!orphan) return '';
    this.byWtxid.delete(wtxid);
    const copies = this.byTxid.get(orphan.txid)?.filter((other) => other !== wtxid) ?? [];
    if (copies.length > 0) this.byTxid.set(orphan.txid, copies);
    else this.byTxid.delete(orphan.txid);
    for (const parent of orphan.missing) {
      const waiting = this.byParent.get(parent);
      waiting?.delete(wtxid);
      if (waiting?.size === 0) this.byParent.delete(parent);
    }
    return orphan.txid;
  }
}
