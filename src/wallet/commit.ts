/**
 * Committing a signed send, as Core's CommitTransaction: the tx goes into the wallet's database
 * and to the mempool. The database write runs while the mempool checks the tx (its signature
 * check alone outlasts the write's trip through LevelDB's thread), so a send pays for the slower
 * of the two, not both. The ledger learns of the tx only once the mempool took it; a refused tx
 * has its record taken back out, so it leaves no trace, as before.
 */
import { toHex } from '../primitives/bytes.js';
import type { Transaction } from '../primitives/transaction.js';
import type { WalletMempool } from './interfaces.js';
import type { TxRecord } from './store.js';
import { type SyncContext, addTx } from './sync.js';

export async function commitSend(ctx: SyncContext, mempool: Pick<WalletMempool, 'acceptTransaction'>, tx: Transaction, fields: Omit<TxRecord, 'hex'>): Promise<void> {
  const txid = tx.txid();
  // The change key counts as used from now on, refused or not (Core burns a keypool key likewise).
  for (const output of tx.outputs) {
    const key = ctx.keys.byScript(output.script);
    if (key) ctx.keys.markUsed(key);
  }
  const writing = ctx.store.batch().putTx(txid, { hex: toHex(tx.encode()), ...fields }).put('hd', ctx.keys.hd).write();
  try {
    await mempool.acceptTransaction(tx);
  } catch (err) {
    await writing.catch(() => undefined);
    await ctx.store.batch().del(`tx/${txid}`).write();
    throw err;
  }
  await writing;
  // The record is on disk already: the ledger's copy needs no second write.
  addTx(ctx, tx, fields, ctx.store.batch());
}
