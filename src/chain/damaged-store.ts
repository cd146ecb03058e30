/**
 * What the chain does about a damaged store: at open, top blocks that cannot be verified stop
 * the node (naming --reindex); later, a body that cannot be read is marked lost, to be fetched
 * again from peers.
 */
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import type { ChainStore } from '../store/chain-store.js';
import { StoreError, isStoreError } from '../store/errors.js';
import { BlockStatus, type BlockIndexEntry } from './block-index.js';
import type { BlockTree } from './block-tree.js';
import { indexRecord } from './connect.js';
import type { Logger } from '../util/logger.js';
import { verifyChain } from './verify-chain.js';

/**
 * Core's VerifyDB at startup: the chain state depends on the top blocks' bodies and undo
 * data, so a store that cannot give them back refuses to start, naming the fix.
 */
export async function checkStoredTip(tree: BlockTree, store: ChainStore, params: NetworkParams, depth: number, logger: Logger, snapshotHeight = 0): Promise<void> {
  if (depth <= 0 || tree.height <= snapshotHeight) return;
  const result = await verifyChain(tree, store, params, depth, 3, snapshotHeight);
  if (result.ok) return;
  const { height, hash, reason } = result.failure!;
  logger.error({ hash, height, reason, dir: store.dir }, 'the chain state is damaged');
  throw new StoreError(
    'corrupt',
    `the chain state in ${store.dir} is damaged: block ${hash} at height ${height}: ${reason}. ` +
      'Restart with --reindex to rebuild the block index and chain state from the stored blocks (lost blocks are fetched again from peers)',
  );
}

export interface StoredBodiesModules {
  tree: BlockTree;
  store: ChainStore;
  logger: Logger;
  /** A body was marked lost (the chain's 'blockDataLost' event). */
  lost(entry: BlockIndexEntry, reason: string): void;
}

/**
 * Reads a stored body. One that cannot be read or decoded, or is not the block its key names,
 * is logged loudly and marked lost (the entry loses its have-data bit), so peers are asked
 * for it again and nobody waits on it.
 */
export async function readStoredBlock(entry: BlockIndexEntry, modules: StoredBodiesModules): Promise<Block | undefined> {
  if (!entry.has(BlockStatus.HAVE_DATA)) return undefined;
  try {
    const block = await modules.store.getBlock(entry.hashBytes);
    if (block && block.hash() !== entry.hash) throw new StoreError('corrupt', `block body ${entry.hash}: holds block ${block.hash()}`);
    if (block) return block;
    await markLost(entry, 'body missing', modules);
  } catch (err) {
    if (!isStoreError(err, 'corrupt')) throw err;
    await markLost(entry, err.message, modules);
  }
  return undefined;
}

async function markLost(entry: BlockIndexEntry, reason: string, { tree, store, logger, lost }: StoredBodiesModules): Promise<void> {
  if (!entry.has(BlockStatus.HAVE_DATA)) return;
  entry.status &= ~BlockStatus.HAVE_DATA;
  tree.dropCandidate(entry);
  logger.error(
    { hash: entry.hash, height: entry.height, key: `d${entry.hash}`, dir: store.dir, reason },
    'stored block cannot be read: marked lost, to be fetched again from peers (or run with --reindex)',
  );
  await store.batch().putBlockIndex(indexRecord(entry, entry.txCount)).write();
  lost(entry, reason);
}
