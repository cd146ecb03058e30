/**
 * Core's abandontransaction: a wallet tx that is neither confirmed nor in the mempool (evicted,
 * replaced, never relayed) is given up, with its wallet descendants, so its inputs can be spent
 * again. A confirmed tx, a conflicted one or one the mempool holds is not eligible.
 */
import { WalletError } from './errors.js';
import type { WalletMempool } from './interfaces.js';
import type { SyncContext } from './sync.js';

export async function abandonTransaction(ctx: SyncContext, mempool: WalletMempool, txid: string): Promise<void> {
  const wtx = ctx.ledger.get(txid);
  if (!wtx) throw new WalletError('invalid-address-or-key', 'Invalid or non-wallet transaction id');
  const tip = ctx.sync.height;
  if (ctx.ledger.depth(wtx, tip) !== 0 || mempool.has(txid)) throw new WalletError('invalid-address-or-key', 'Transaction not eligible for abandonment');
  const batch = ctx.store.batch();
  for (const doomed of [wtx, ...ctx.ledger.descendantsOf(txid)]) {
    if (ctx.ledger.depth(doomed, tip) !== 0 || doomed.record.state === 'abandoned' || doomed.record.state === 'conflicted') continue;
    ctx.ledger.setRecord(doomed, { ...doomed.record, state: 'abandoned' });
    batch.putTx(doomed.txid, doomed.record);
  }
  await batch.write();
  ctx.logger.info({ txid }, 'wallet transaction abandoned');
}
