import type { CoinView, ConnectedInputs } from '../../src/consensus/block-inputs.js';
import type { Coin } from '../../src/primitives/coin.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import type { Transaction } from '../../src/primitives/transaction.js';

/** An in-memory UTXO set for tests: what the chain store provides in the node. */
export class MemoryCoinView implements CoinView {
  private readonly coins = new Map<string, Coin>();

  get(outpoint: OutPoint): Coin | undefined {
    return this.coins.get(outpoint.key());
  }

  add(outpoint: OutPoint, coin: Coin): this {
    this.coins.set(outpoint.key(), coin);
    return this;
  }

  /** Adds every output of tx as created at `height` (OP_RETURN outputs included; tests keep it simple). */
  addTx(tx: Transaction, height: number): this {
    tx.outputs.forEach((output, index) => {
      this.add(new OutPoint(tx.txidBytes(), index), { value: output.value, script: output.script, height, coinbase: tx.isCoinbase() });
    });
    return this;
  }

  /** Applies a connected block's UTXO changes, as the store's batch would. */
  apply(connected: ConnectedInputs): this {
    for (const { outpoint } of connected.spent) this.coins.delete(outpoint.key());
    for (const outputs of connected.created.values()) outputs.forEachCoin((outpoint, coin) => this.add(outpoint, coin));
    return this;
  }

  /** Undoes a connected block with its undo data. */
  undo(connected: ConnectedInputs): this {
    for (const outputs of connected.created.values()) outputs.forEachCoin((outpoint) => this.coins.delete(outpoint.key()));
    for (const { outpoint, coin } of connected.spent) this.add(outpoint, coin);
    return this;
  }

  get size(): number {
    return this.coins.size;
  }

  entries(): IterableIterator<[string, Coin]> {
    return this.coins.entries();
  }
}
