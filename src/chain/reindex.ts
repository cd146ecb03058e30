/**
 * --reindex and --reindex-chainstate, as Bitcoin Core.
 *
 * - full: keeps only the stored block bodies, drops the block index, undo data, coins, height
 *   entries and tip, then feeds every stored block reachable from genesis back through
 *   processBlock in parent-before-child order, so each is validated and connected again. A body
 *   that cannot be read is skipped with its descendants (peers deliver them again).
 * - chainstate: keeps the block index, drops the UTXO set, undo data, height entries and tip,
 *   and sets the tip back to genesis; opening the chain then reconnects the best chain from
 *   genesis (every stored block is a candidate), with progress lines from the chain.
 *
 * Both run before (prepare) and after (replay, full only) Chain.open in the node.
 */
import { isRuleError } from '../consensus/errors.js';
import { fromHex } from '../primitives/index.js';
import type { ChainStore } from '../store/chain-store.js';
import { isStoreError } from '../store/errors.js';
import { Prefix } from '../store/layout.js';
import { BlockStatus } from './block-index.js';
import type { Chain } from './chain.js';
import type { Logger } from '../util/logger.js';

export type ReindexMode = 'full' | 'chainstate';

/** Status bits that survive a chain-state rebuild: what is known of the header and the body. */
const KEPT_STATUS = BlockStatus.HEADER_VALID | BlockStatus.HAVE_DATA | BlockStatus.FAILED | BlockStatus.FAILED_CHILD;
const PROGRESS_INTERVAL_MS = 10_000;

/** What prepareReindex leaves for replayBlocks: stored block hashes (display hex) in replay order. */
export interface ReindexPlan {
  mode: ReindexMode;
  blocks: string[];
}

export async function prepareReindex(store: ChainStore, mode: ReindexMode, genesisHash: string, logger: Logger): Promise<ReindexPlan> {
  if (mode === 'chainstate') {
    const records = await store.loadBlockIndex();
    logger.info({ entries: records.length }, 'reindex-chainstate: dropping the UTXO set, keeping the block index');
    // A loaded UTXO snapshot goes with the UTXO set (as Core drops its snapshot chainstate on a reindex).
    await store.wipe([Prefix.COIN, Prefix.UNDO, Prefix.HEIGHT, Prefix.TIP, Prefix.SNAPSHOT_BASE, Prefix.SNAPSHOT_INSTALL, Prefix.STAGED_COIN]);
    const batch = store.batch();
    for (const record of records) {
      const genesis = record.height === 0;
      batch.putBlockIndex({ ...record, status: genesis ? record.status : record.status & KEPT_STATUS });
    }
    const genesis = fromHex(genesisHash).reverse();
    await batch.putHeight(0, genesis).setTip(genesis).write();
    return { mode, blocks: [] };
  }
  const children = new Map<string, string[]>();
  let stored = 0;
  for await (const { hash, header } of store.iterateBlockHeaders()) {
    stored++;
    if (!header) {
      logger.error({ hash, key: `d${hash}`, dir: store.dir }, 'reindex: stored block header cannot be read; skipping it');
      continue;
    }
    const parent = header.prevHashHex();
    const list = children.get(parent);
    if (list) list.push(hash);
    else children.set(parent, [hash]);
  }
  // Breadth first from genesis: parents before children, roughly in height order.
  const blocks: string[] = [];
  for (let next = -1; next < blocks.length; next++) {
    blocks.push(...(children.get(next < 0 ? genesisHash : blocks[next]) ?? []));
  }
  logger.info({ stored, reachable: blocks.length }, 'reindex: dropping the block index and chain state, keeping the stored blocks');
  await store.wipe([Prefix.BLOCK_INDEX, Prefix.COIN, Prefix.UNDO, Prefix.HEIGHT, Prefix.TIP, Prefix.SNAPSHOT_BASE, Prefix.SNAPSHOT_INSTALL, Prefix.STAGED_COIN]);
  return { mode, blocks };
}

/** Full reindex, after Chain.open wrote genesis: every stored block through processBlock again. */
export async function replayBlocks(chain: Chain, plan: ReindexPlan, logger: Logger): Promise<void> {
  if (plan.mode !== 'full') return;
  const skipped = new Set<string>();
  const started = Date.now();
  let lastLog = started;
  for (let i = 0; i < plan.blocks.length; i++) {
    const hash = plan.blocks[i];
    await replayOne(chain, hash, skipped, logger);
    if (Date.now() - lastLog >= PROGRESS_INTERVAL_MS) {
      lastLog = Date.now();
      const perSecond = (i + 1) / ((lastLog - started) / 1000);
      logger.info({ done: i + 1, total: plan.blocks.length, height: chain.height, blocksPerSecond: Math.round(perSecond) }, 'reindexing');
    }
  }
  await chain.flush();
  logger.info({ blocks: plan.blocks.length, skipped: skipped.size, height: chain.height, tip: chain.tip.hash }, 'reindex done');
}

async function replayOne(chain: Chain, hash: string, skipped: Set<string>, logger: Logger): Promise<void> {
  const hashBytes = fromHex(hash).reverse();
  let block;
  try {
    block = await chain.store.getBlock(hashBytes);
  } catch (err) {
    if (!isStoreError(err, 'corrupt')) throw err;
    logger.error({ hash, key: `d${hash}`, reason: err.message }, 'reindex: stored block cannot be read; skipping it and its descendants');
  }
  if (!block || block.hash() !== hash || skipped.has(block.header.prevHashHex())) {
    skipped.add(hash);
    return;
  }
  try {
    await chain.processBlock(block);
  } catch (err) {
    if (!isRuleError(err)) throw err;
    skipped.add(hash);
    logger.warn({ hash, code: err.code }, 'reindex: stored block is invalid');
  }
}
