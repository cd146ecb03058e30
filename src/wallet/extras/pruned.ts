/**
 * Core's importprunedfunds and removeprunedfunds: a tx paying us, proven by a merkle proof to be
 * in a block of the wallet's chain, is recorded as confirmed there without a rescan (the block
 * may be pruned, or the key imported after it); and any wallet tx can be forgotten again. Both
 * are stored, so they survive a restart; a later rescan finds a removed tx again, as in Core.
 */
import type { Transaction } from '../../primitives/transaction.js';
import { WalletError } from '../errors.js';
import { addTx, firstSeen } from '../sync.js';
import type { WalletParts } from '../parts.js';

/** The block a proof names, as the node's block index knows it, and the tx's position in it. */
export interface ProvenBlock {
  hash: string;
  height: number;
  time: number;
  /** The tx's index in the block (from the proof). */
  index: number;
}

export async function importPrunedFunds({ ctx }: WalletParts, tx: Transaction, block: ProvenBlock): Promise<void> {
  // Core's findAncestorByHash(last wallet block, hash): the block is on the chain the wallet follows, at or below its tip.
  if (block.height > ctx.sync.height || ctx.chain.getEntryAtHeight(block.height)?.hash !== block.hash) {
    throw new WalletError('invalid-address-or-key', 'Block not found in chain');
  }
  if (!tx.outputs.some((output) => ctx.keys.byScript(output.script))) {
    throw new WalletError('invalid-address-or-key', 'No addresses in wallet correspond to included transaction');
  }
  const confirmed = { state: 'confirmed' as const, blockHash: block.hash, height: block.height, blockTime: block.time, blockIndex: block.index };
  const batch = ctx.store.batch();
  const known = ctx.ledger.get(tx.txid());
  if (known) {
    const { conflictedBy: _by, conflictHeight: _at, ...rest } = known.record;
    const record = { ...rest, ...confirmed };
    ctx.ledger.setRecord(known, record);
    batch.putTx(known.txid, record);
  } else {
    addTx(ctx, tx, { ...confirmed, ...firstSeen(ctx, block.time) }, batch);
  }
  await batch.write();
}

export async function removePrunedFunds({ ctx }: WalletParts, txid: string): Promise<void> {
  const wtx = ctx.ledger.get(txid);
  if (!wtx) throw new WalletError('wallet-error', `Transaction ${txid} does not belong to this wallet`);
  ctx.ledger.remove(wtx);
  await ctx.store.batch().del(`tx/${txid}`).write();
}
