/**
 * Installing a verified UTXO snapshot (loadtxoutset) so that a kill at any moment leaves a node
 * that starts either without the snapshot or with all of it. The coins are first staged under
 * their own key prefix (snapshot-load.ts) and hashed there; only then is the install record
 * written, the live coins replaced in batches and, in one last batch, the tip, heights and
 * snapshot base set and the install record removed. Open finishes an install that a crash cut
 * short (the staged coins are complete and verified by then) and drops coins staged by a load
 * that never reached its install record.
 */
import { hashToHex } from '../primitives/bytes.js';
import type { ChainStore } from '../store/chain-store.js';
import { StoreError } from '../store/errors.js';
import { coinKeyFromStaged, plainBytes, Prefix } from '../store/layout.js';
import type { Logger } from '../util/logger.js';
import type { BlockIndexEntry } from './block-index.js';
import type { BlockTree } from './block-tree.js';

export interface SnapshotInstallModules {
  tree: BlockTree;
  store: ChainStore;
  logger: Logger;
}

/** Makes the staged, verified coins the UTXO set and `base` the tip. */
export async function installStagedSnapshot(base: BlockIndexEntry, modules: SnapshotInstallModules): Promise<void> {
  await modules.store.batch().setSnapshotInstall(base.hashBytes).write();
  await finishInstall(base, modules);
}

/** At open, before the tip is checked: finishes an interrupted install, or drops stale staged coins. */
export async function resumeSnapshotInstall(modules: SnapshotInstallModules): Promise<void> {
  const pending = await modules.store.getSnapshotInstall();
  if (!pending) {
    await modules.store.wipe([Prefix.STAGED_COIN]);
    return;
  }
  const base = modules.tree.get(hashToHex(pending));
  if (!base) throw new StoreError('corrupt', `the snapshot being installed is based on block ${hashToHex(pending)}, which is not in the block index`);
  modules.logger.warn({ base: base.hash, height: base.height }, 'finishing the UTXO snapshot install a stop interrupted');
  await finishInstall(base, modules);
}

async function finishInstall(base: BlockIndexEntry, { tree, store, logger }: SnapshotInstallModules): Promise<void> {
  // wipe() flushes the coin cache first and drops its clean coins, which belong to the old set.
  await store.wipe([Prefix.COIN]);
  let copied = 0;
  for await (const chunk of store.stagedCoinChunks()) {
    const batch = store.batch();
    for (const [key, value] of chunk) batch.putCoinBytes(coinKeyFromStaged(plainBytes(key)), plainBytes(value));
    await batch.write();
    copied += chunk.length;
  }
  const last = store.batch();
  for (let height = base.height + 1; height <= tree.height; height++) last.deleteHeight(height);
  for (let entry: BlockIndexEntry | undefined = base; entry; entry = entry.parent) last.putHeight(entry.height, entry.hashBytes);
  await last.setTip(base.hashBytes).setSnapshotBase(base.hashBytes).clearSnapshotInstall().write();
  await store.wipe([Prefix.STAGED_COIN]);
  moveActiveChain(tree, base);
  logger.info({ base: base.hash, height: base.height, coins: copied }, 'UTXO snapshot installed');
}

/** The active chain becomes genesis..base (their bodies are not here: the snapshot stands for them). */
function moveActiveChain(tree: BlockTree, base: BlockIndexEntry): void {
  while (tree.height > 0 && base.ancestorEntry(tree.height) !== tree.tip) tree.popTip();
  for (let height = tree.height + 1; height <= base.height; height++) tree.pushTip(base.ancestorEntry(height)!);
  tree.pruneCandidates();
}
