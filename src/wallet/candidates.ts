/**
 * The wallet's spendable coins as coin selection sees them: an unconfirmed coin carries the size
 * of its in-pool family, so selection can keep away from chains near the mempool's package limits.
 */
import type { Ledger, WalletCoin } from './coins.js';
import { isWalletError } from './errors.js';
import type { WalletMempool } from './interfaces.js';

export type SelectableCoin = WalletCoin & { readonly ancestors?: number; readonly descendants?: number };

export function withPoolFamilies(coins: readonly WalletCoin[], mempool: WalletMempool): SelectableCoin[] {
  const families = new Map<string, { ancestors: number; descendants: number } | undefined>();
  const familyOf = (txid: string) => {
    if (families.has(txid)) return families.get(txid);
    const entry = mempool.get(txid);
    let family: { ancestors: number; descendants: number } | undefined;
    if (entry) {
      let descendants = entry.descendant.count;
      // Only walk the ancestors when there are some: a lone unconfirmed tx is the common case.
      if (entry.ancestor.count > 1) for (const ancestor of mempool.ancestorsOf(txid)) descendants = Math.max(descendants, ancestor.descendant.count);
      family = { ancestors: entry.ancestor.count, descendants };
    }
    families.set(txid, family);
    return family;
  };
  return coins.map((coin) => {
    if (coin.depth >= 1) return coin;
    const family = familyOf(coin.txid);
    return family ? { ...coin, ...family } : coin;
  });
}

/**
 * Runs `select` over the confirmed coins first and, only when they cannot pay, over every
 * spendable coin with its pool family. Selection prefers confirmed coins anyway (its first
 * tier), so the answer is the same; the unconfirmed coins' trust and families are only worked
 * out when needed, which keeps a send's cost flat while the wallet's unconfirmed change grows.
 */
export function withConfirmedFirst<T>(ledger: Ledger, tipHeight: number, mempool: WalletMempool, select: (coins: SelectableCoin[]) => T): T {
  try {
    return select(ledger.unspent(tipHeight, { confirmedOnly: true, sorted: false }));
  } catch (err) {
    if (!isWalletError(err, 'insufficient-funds')) throw err;
  }
  return select(withPoolFamilies(ledger.unspent(tipHeight, { sorted: false }), mempool));
}
