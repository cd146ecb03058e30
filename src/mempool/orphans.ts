import type { Transaction } from '../primitives/transaction.js';

export interface OrphanPoolOptions {
  maxOrphans: number;
  orphanExpirySeconds: number;
}

interface Orphan {
  readonly tx: Transaction;
  readonly txid: string;
  /** Txids of the parents it was missing when it arrived. */
  readonly missing: readonly string[];
  readonly expires: number;
}

/**
 * Transactions whose inputs are unknown, held (bounded, for a while) in case the parents come:
 * txs are often relayed out of order. Keyed by txid, indexed by missing parent. When full the
 * oldest goes, which costs an attacker as much as random eviction and keeps tests deterministic.
 */
export class OrphanTxPool {
  private readonly byTxid = new Map<string, Orphan>();
  private readonly byParent = new Map<string, Set<string>>();

  constructor(private readonly options: OrphanPoolOptions) {}

  get size(): number {
    return this.byTxid.size;
  }

  has(txid: string): boolean {
    return this.byTxid.has(txid);
  }

  /** Holds `tx` until one of `missing` arrives; returns the txids evicted to make room. */
  add(tx: Transaction, missing: readonly string[], now: number): string[] {
    const txid = tx.txid();
    if (this.byTxid.has(txid) || this.options.maxOrphans === 0) return [];
    const evicted: string[] = [];
    while (this.byTxid.size >= this.options.maxOrphans) {
      const oldest = this.byTxid.keys().next().value!;
      this.remove(oldest);
      evicted.push(oldest);
    }
    this.byTxid.set(txid, { tx, txid, missing, expires: now + this.options.orphanExpirySeconds });
    for (const parent of missing) {
      let waiting = this.byParent.get(parent);
      if (!waiting) this.byParent.set(parent, (waiting = new Set()));
      waiting.add(txid);
    }
    return evicted;
  }

  /** Takes out (and returns) the orphans waiting on `parentTxid`, to be tried again. */
  takeChildrenOf(parentTxid: string): Transaction[] {
    const waiting = this.byParent.get(parentTxid);
    if (!waiting) return [];
    const txs: Transaction[] = [];
    for (const txid of [...waiting]) {
      const orphan = this.byTxid.get(txid);
      if (orphan) txs.push(orphan.tx);
      this.remove(txid);
    }
    return txs;
  }

  /** Drops orphans a block mined or made invalid by spending one of their inputs (Core's EraseForBlock). */
  removeForBlock(txs: readonly Transaction[]): void {
    const spent = new Set<string>();
    for (const tx of txs) for (const input of tx.inputs) spent.add(input.prevout.key());
    for (const orphan of [...this.byTxid.values()]) {
      if (orphan.tx.inputs.some((input) => spent.has(input.prevout.key()))) this.remove(orphan.txid);
    }
  }

  /** Drops orphans past their time; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const orphan of [...this.byTxid.values()]) {
      if (orphan.expires <= now) {
        this.remove(orphan.txid);
        dropped++;
      }
    }
    return dropped;
  }

  remove(txid: string): void {
    const orphan = this.byTxid.get(txid);
    if (!orphan) return;
    this.byTxid.delete(txid);
    for (const parent of orphan.missing) {
      const waiting = this.byParent.get(parent);
      waiting?.delete(txid);
      if (waiting?.size === 0) this.byParent.delete(parent);
    }
  }
}
