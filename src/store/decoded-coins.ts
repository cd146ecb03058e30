import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import { coinKey, decodeCoin } from './layout.js';

/**
 * The coin each cached value was encoded from or last decoded to, keyed by the value's identity:
 * a block's inputs were read by the mempool and its outputs written by an earlier connect, so a
 * connect finds its coins decoded. Stored values are never mutated, so an entry cannot go stale;
 * held weakly, it goes when the cache lets the value go.
 */
export class DecodedCoins {
  private readonly byValue = new WeakMap<Uint8Array, Coin>();

  /** A coin was just encoded to `value` (a connect's batch adding it). */
  encoded(value: Uint8Array, coin: Coin): void {
    this.byValue.set(value, coin);
  }

  /** The coin stored under `key` (or the outpoint's key, made only to decode) as `value`, decoded on its first read. */
  decode(key: Uint8Array | OutPoint, value: Uint8Array): Coin {
    let coin = this.byValue.get(value);
    if (!coin) {
      coin = decodeCoin(key instanceof Uint8Array ? key : coinKey(key), value);
      this.byValue.set(value, coin);
    }
    return coin;
  }
}
