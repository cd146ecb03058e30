/**
 * A real chain with spendable coins for miner tests: block 1 pays a TestKey, block 2 fans that
 * coinbase out into `coinCount` confirmed coins, which tests then spend with real signatures.
 * Coinbase maturity is 1 so this takes two blocks instead of a hundred.
 */
import { defineNetwork, networks } from '../../src/params/index.js';
import type { NetworkParams } from '../../src/params/types.js';
import { OutPoint, type Transaction } from '../../src/primitives/index.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, openHarness } from './chain-harness.js';

export const minerParams: NetworkParams = defineNetwork({ name: 'minertest', coinbaseMaturity: 1 }, networks.regtest);

export interface Coin {
  outpoint: OutPoint;
  value: bigint;
}

export interface FundedChain {
  h: Harness;
  key: TestKey;
  coins: Coin[];
  /** The branch that built blocks 1 and 2 (a competitor can continue from it). */
  branch: Branch;
}

/** Splits a coin into `count` equal coins paying `key`; what is left over is the fee. */
export function fanOut(key: TestKey, coin: Coin, count: number, fee = 10_000n): { tx: Transaction; coins: Coin[] } {
  const share = (coin.value - fee) / BigInt(count);
  const tx = key.spend([coin], Array.from({ length: count }, () => ({ value: share, script: key.script })));
  return { tx, coins: Array.from({ length: count }, (_, i) => ({ outpoint: new OutPoint(tx.txidBytes(), i), value: share })) };
}

export async function fundedChain(coinCount: number, label = 'miner'): Promise<FundedChain> {
  const h = await openHarness({ params: minerParams });
  const key = new TestKey(label);
  const branch = Branch.fromGenesis(minerParams, 7, key.script);
  const first = branch.next();
  const coin = { outpoint: coinbaseOutpoint(first), value: first.txs[0].outputs[0].value };
  const split = fanOut(key, coin, coinCount);
  const second = branch.next({ txs: [split.tx], fees: coin.value - split.coins[0].value * BigInt(coinCount) });
  for (const block of [first, second]) {
    const { status } = await h.chain.processBlock(block);
    if (status !== 'connected') throw new Error(`fixture block not connected: ${status}`);
  }
  return { h, key, coins: split.coins, branch };
}

/** A one-input, one-output spend paying `fee`, back to the same key. */
export function spendWithFee(key: TestKey, coin: Coin, fee: bigint): { tx: Transaction; coin: Coin } {
  const tx = key.spend([coin], [{ value: coin.value - fee, script: key.script }]);
  return { tx, coin: { outpoint: new OutPoint(tx.txidBytes(), 0), value: coin.value - fee } };
}
