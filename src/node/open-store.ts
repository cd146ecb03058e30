import type { Logger } from '../util/logger.js';
import type { NetworkParams } from '../params/types.js';
import { ChainStore } from '../store/chain-store.js';
import { StoreError, isStoreError } from '../store/errors.js';

const REINDEX_HINT = 'Restart with --reindex to repair the database and rebuild the block index and chain state from the stored blocks (lost blocks are fetched again from peers).';

/**
 * Opens the chain store. With --reindex LevelDB's repair runs first, so damaged tables (a
 * corrupt .ldb file) are dropped before the rebuild reads every stored block. Without it, a
 * database LevelDB reports as corrupt stops the node with one message naming the dir and the fix.
 */
export async function openChainStore(dir: string, params: NetworkParams, reindex: boolean, logger: Logger): Promise<ChainStore> {
  if (reindex) {
    logger.info({ dir }, 'reindex: repairing the chain database first');
    await ChainStore.repair(dir);
  }
  try {
    return await ChainStore.open(dir, params);
  } catch (err) {
    throw reindexHint(err, dir);
  }
}

/** A corrupt-store error as the operator should see it: the dir, what is wrong, and the fix. */
export function reindexHint(err: unknown, dir: string): unknown {
  if (!isStoreError(err, 'corrupt') || err.message.includes('--reindex')) return err;
  return new StoreError('corrupt', `the chain database in ${dir} is damaged: ${err.detail}. ${REINDEX_HINT}`, { cause: err });
}
