/**
 * Core's ResubmitWalletTransactions and ResendWalletTransactions: our unconfirmed txs offered to
 * the mempool again, after a restart and on every rebroadcast (one evicted, expired or never
 * relayed gets another chance).
 */
import type { Transaction } from '../primitives/transaction.js';
import type { WalletMempool } from './interfaces.js';
import type { SyncContext } from './sync.js';

/** Offers each unconfirmed wallet tx the mempool does not hold to it again, oldest first. */
export async function resubmit(ctx: SyncContext, mempool: WalletMempool): Promise<void> {
  for (const wtx of unconfirmed(ctx).filter((candidate) => !mempool.has(candidate.txid))) {
    try {
      await mempool.acceptTransaction(wtx.tx);
    } catch (err) {
      ctx.logger.debug({ txid: wtx.txid, err: (err as Error).message }, 'wallet transaction not resubmitted');
    }
  }
}

/**
 * Resubmits, then returns, oldest first, the unconfirmed wallet txs the mempool holds, for the
 * node to hand to its peers: gossip drops an id it has seen, so a tx a peer missed once would
 * never reach it otherwise.
 */
export async function rebroadcast(ctx: SyncContext, mempool: WalletMempool): Promise<Transaction[]> {
  await resubmit(ctx, mempool);
  return unconfirmed(ctx)
    .filter((wtx) => mempool.has(wtx.txid))
    .map((wtx) => wtx.tx);
}

/** Unconfirmed wallet txs, oldest first (parents before children). */
function unconfirmed(ctx: SyncContext) {
  return [...ctx.ledger.txs.values()].filter((wtx) => wtx.record.state === 'unconfirmed').sort((a, b) => a.record.order - b.record.order);
}
