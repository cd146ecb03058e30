/**
 * Core's simulaterawtransaction: how the wallet's balance would change if the txs were signed and
 * broadcast, in order. An input spending one of our outputs costs its value; an output paying us
 * gains its value; a later tx may spend an earlier one's outputs. Each input must be unspent in
 * the node's view (chain or mempool) unless an earlier tx of the list made it, and no output may
 * be spent twice.
 */
import type { OutPoint } from '../../primitives/outpoint.js';
import type { Transaction } from '../../primitives/transaction.js';
import { WalletError } from '../errors.js';
import type { WalletParts } from '../parts.js';

/** Whether the node holds `outpoint` unspent on chain or as an output of a pool tx (Core's findCoins). */
export type CoinLookup = (outpoint: OutPoint) => Promise<boolean>;

export async function simulateTransactions({ ctx }: WalletParts, txs: readonly Transaction[], coinExists: CoinLookup): Promise<bigint> {
  let change = 0n;
  /** Outputs the list has made so far, with what each is worth to us (0 when not ours). */
  const made = new Map<string, bigint>();
  const spent = new Set<string>();
  for (const tx of txs) {
    for (const { prevout } of tx.inputs) {
      const key = prevout.key();
      if (spent.has(key)) throw new WalletError('invalid-parameter', 'Transaction(s) are spending the same output more than once');
      const ours = made.get(key);
      if (ours !== undefined) {
        change -= ours;
        made.delete(key);
      } else {
        if (!(await coinExists(prevout))) throw new WalletError('invalid-parameter', 'One or more transaction inputs are missing or have been spent already');
        // Core's GetDebit: the output's value when a wallet tx made it and it pays us.
        if (ctx.ledger.ownerOf(prevout.txidHex(), prevout.index)) change -= ctx.ledger.valueOf(prevout)!;
      }
      spent.add(key);
    }
    const txid = tx.txid();
    tx.outputs.forEach((output, vout) => {
      const value = ctx.keys.byScript(output.script) ? output.value : 0n;
      made.set(`${txid}:${vout}`, value);
      change += value;
    });
  }
  return change;
}
