/**
 * Core's Consensus::CheckTxInputs: the value rules of spending coins. Scripts and signatures are
 * checked elsewhere (script.ts, p2wpkh.ts) so the chain can cache and parallelise them.
 */
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import type { NetworkParams } from '../params/types.js';
import { RuleError } from './errors.js';
import { moneyRange } from './subsidy.js';

/** Finds an unspent coin; undefined when it never existed or is already spent. */
export type CoinLookup = (prevout: OutPoint) => Coin | undefined;

/** Checks a non-coinbase tx's inputs against the coins and returns its fee. */
export function checkTxInputs(tx: Transaction, lookup: CoinLookup, spendHeight: number, params: NetworkParams): bigint {
  return checkTxInputValues(tx, lookupInputCoins(tx, lookup), spendHeight, params);
}

/** The coin each input spends, in input order; all must exist and be unspent. */
export function lookupInputCoins(tx: Transaction, lookup: CoinLookup): Coin[] {
  const { inputs } = tx;
  const coins: Coin[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const coin = lookup(inputs[i].prevout);
    if (!coin) throw new RuleError('bad-txns-inputs-missingorspent', `input ${i} (${inputs[i].prevout.key()}) missing or spent`);
    coins[i] = coin;
  }
  return coins;
}

/** The value rules given the coins already looked up (`coins[i]` is spent by input i); returns the fee. */
export function checkTxInputValues(tx: Transaction, coins: readonly Coin[], spendHeight: number, params: NetworkParams): bigint {
  // Indexed loops, no closures: every node runs this for each tx of each block it connects.
  // Each sum starts from its first amount, not 0n: one BigInt fewer to allocate per sum.
  let valueIn = 0n;
  for (let i = 0; i < coins.length; i++) {
    const coin = coins[i];
    checkCoinbaseMaturity(coin, spendHeight, params);
    valueIn = i === 0 ? coin.value : valueIn + coin.value;
    if (!moneyRange(coin.value, params) || !moneyRange(valueIn, params)) {
      throw new RuleError('bad-txns-inputvalues-outofrange', `at input ${i}`);
    }
  }
  let valueOut = 0n;
  for (let i = 0; i < tx.outputs.length; i++) valueOut = i === 0 ? tx.outputs[i].value : valueOut + tx.outputs[i].value;
  if (valueIn < valueOut) throw new RuleError('bad-txns-in-belowout', `value in (${valueIn}) < value out (${valueOut})`);
  const fee = valueIn - valueOut;
  if (!moneyRange(fee, params)) throw new RuleError('bad-txns-fee-outofrange', `fee ${fee}`);
  return fee;
}

/** A coinbase output needs coinbaseMaturity confirmations: a reorg could otherwise erase money already spent. */
export function checkCoinbaseMaturity(coin: Coin, spendHeight: number, params: NetworkParams): void {
  const depth = spendHeight - coin.height;
  if (coin.coinbase && depth < params.coinbaseMaturity) {
    throw new RuleError('bad-txns-premature-spend-of-coinbase', `tried to spend coinbase at depth ${depth}`);
  }
}
