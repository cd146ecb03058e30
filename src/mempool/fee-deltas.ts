/**
 * Core's mapDeltas (prioritisetransaction): per txid, the sats the pool and the miner add to a
 * tx's fee when judging it. Deltas add up; one back at zero is dropped. A delta may name a tx
 * not in the pool yet: it applies when the tx arrives, and is cleared once the tx is mined.
 */
export class FeeDeltas {
  private readonly deltas = new Map<string, bigint>();

  /** Adds `delta` to the txid's total; returns the new total. */
  add(txid: string, delta: bigint): bigint {
    const total = (this.deltas.get(txid) ?? 0n) + delta;
    if (total === 0n) this.deltas.delete(txid);
    else this.deltas.set(txid, total);
    return total;
  }

  get(txid: string): bigint {
    return this.deltas.get(txid) ?? 0n;
  }

  clear(txid: string): void {
    this.deltas.delete(txid);
  }

  entries(): Array<[txid: string, delta: bigint]> {
    return [...this.deltas];
  }
}
