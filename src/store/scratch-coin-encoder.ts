/**
 * Coin keys and values encoded into buffers reused from one coin to the next, for a batch that
 * copies each write as it is added (database.ts, BatchWriter): a flush of a block's ~4,000 coins
 * then leaves no key or value arrays alive while LevelDB writes, to be promoted by the young
 * generation's collections and collected later by a full one.
 */
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import { COIN_KEY_SIZE, coinBytes, writeCoinKey, writeCoinValue } from './layout.js';

export class ScratchCoinEncoder {
  private readonly keyBuffer = new Uint8Array(COIN_KEY_SIZE);
  private valueBuffer = new Uint8Array(256);

  /** The coin's key; valid until the next call. */
  key(outpoint: OutPoint): Uint8Array {
    writeCoinKey(this.keyBuffer, outpoint);
    return this.keyBuffer;
  }

  /** The coin's value; valid until the next call. */
  value(coin: Coin): Uint8Array {
    const length = coinBytes(coin);
    if (length > this.valueBuffer.length) this.valueBuffer = new Uint8Array(Math.max(length, 2 * this.valueBuffer.length));
    writeCoinValue(this.valueBuffer, coin);
    return this.valueBuffer.subarray(0, length);
  }
}
