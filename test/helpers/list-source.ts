/**
 * A list-backed TemplateSource standing in for the mempool: each tx's fee, weight and in-list
 * parents are computed from real coins (the confirmed coins it was seeded with, plus the outputs
 * of txs already in the list), so the template builder sees what a mempool would report.
 */
import type { TemplateEntry, TemplateSource } from '../../src/miner/interfaces.js';
import { type Block, OutPoint, type Transaction } from '../../src/primitives/index.js';

export class ListTemplateSource implements TemplateSource {
  private readonly list: TemplateEntry[] = [];
  /** Spendable values by outpoint key: confirmed coins and in-list outputs. */
  private readonly values = new Map<string, bigint>();
  private readonly inList = new Set<string>();

  /** Registers confirmed coins the txs may spend. */
  addCoins(coins: Iterable<{ outpoint: OutPoint; value: bigint }>): this {
    for (const { outpoint, value } of coins) this.values.set(outpoint.key(), value);
    return this;
  }

  /** Adds a tx whose inputs are all known coins; returns its entry. */
  add(tx: Transaction): TemplateEntry {
    let inputs = 0n;
    const parents = new Set<string>();
    for (const input of tx.inputs) {
      const value = this.values.get(input.prevout.key());
      if (value === undefined) throw new Error(`tx ${tx.txid()} spends unknown coin ${input.prevout.key()}`);
      inputs += value;
      const parent = input.prevout.txidHex();
      if (this.inList.has(parent)) parents.add(parent);
    }
    const outputs = tx.outputs.reduce((sum, output) => sum + output.value, 0n);
    const entry: TemplateEntry = { tx, txid: tx.txid(), fee: inputs - outputs, weight: tx.weight(), parents };
    tx.outputs.forEach((output, index) => this.values.set(new OutPoint(tx.txidBytes(), index).key(), output.value));
    this.inList.add(entry.txid);
    this.list.push(entry);
    return entry;
  }

  /** Drops the block's txs, as a mempool does on blockConnected; their children lose them as in-list parents. */
  removeMined(block: Block): void {
    const mined = new Set(block.txs.map((tx) => tx.txid()));
    const kept = this.list.filter((entry) => !mined.has(entry.txid));
    this.list.length = 0;
    for (const txid of mined) this.inList.delete(txid);
    for (const entry of kept) {
      this.list.push({ ...entry, parents: new Set([...entry.parents].filter((txid) => this.inList.has(txid))) });
    }
  }

  get size(): number {
    return this.list.length;
  }

  entries(): Iterable<TemplateEntry> {
    return this.list;
  }
}
