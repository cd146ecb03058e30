import type { Coin } from '../primitives/coin.js';
import { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import { isUnspendable } from './script.js';

/**
 * The coins one tx of a connecting block adds, as one record over the tx itself: a block's
 * thousands of outputs then make no outpoint, key string or coin object each while it connects
 * (they are made when the coins are written, after the tip is announced, or when one is read).
 * An output spent later in the same block is marked here; an unspendable one (OP_RETURN, an
 * oversized script) is never a coin.
 */
export class CreatedOutputs {
  /** Outputs spent later in the block, by index; made at the first such spend. */
  private spentMask: Uint8Array | undefined;

  constructor(
    readonly tx: Transaction,
    readonly height: number,
    readonly coinbase: boolean,
  ) {}

  /** The coin at output `index`, or undefined: spent in this block, unspendable or out of range. */
  coin(index: number): Coin | undefined {
    const output = this.tx.outputs[index];
    if (output === undefined || this.spentMask?.[index] === 1 || isUnspendable(output.script)) return undefined;
    return { value: output.value, script: output.script, height: this.height, coinbase: this.coinbase };
  }

  /** Marks output `index` spent by a later tx of the block (its coin was just read with coin()). */
  spend(index: number): void {
    (this.spentMask ??= new Uint8Array(this.tx.outputs.length))[index] = 1;
  }

  /** Every coin still unspent, in output order, with its outpoint. */
  forEachCoin(visit: (outpoint: OutPoint, coin: Coin) => void): void {
    const txid = this.tx.txidBytes();
    const txidHex = this.tx.txid();
    for (let index = 0; index < this.tx.outputs.length; index++) {
      const coin = this.coin(index);
      if (coin) visit(new OutPoint(txid, index, txidHex), coin);
    }
  }

  /** How many outputs the tx has: an upper bound on its coins, for the cache's size accounting. */
  get outputCount(): number {
    return this.tx.outputs.length;
  }
}
