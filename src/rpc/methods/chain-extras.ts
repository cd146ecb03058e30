/**
 * Core's chain methods beyond the basics: getchaintxstats, getchainstates, preciousblock,
 * submitheader and pruneblockchain.
 */
import { compactToTarget } from '../../consensus/compact.js';
import { isRuleError } from '../../consensus/errors.js';
import { fromHex } from '../../primitives/bytes.js';
import { BlockHeader } from '../../primitives/header.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import { bitsHex, difficulty, hex32, isOnMainChain, medianTime } from '../format/block.js';
import type { RpcBlockEntry, RpcContext } from '../interfaces.js';
import { type Params, isHex } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

/** Transactions in the chain up to and including `entry` (Core's m_chain_tx_count). */
function chainTxCount(entry: RpcBlockEntry): number {
  let count = 0;
  for (let e: RpcBlockEntry | undefined = entry; e; e = e.parent) count += e.txCount;
  return count;
}

function ancestor(entry: RpcBlockEntry, height: number): RpcBlockEntry {
  let e = entry;
  while (e.height > height && e.parent) e = e.parent;
  return e;
}

/** Core's getchaintxstats: transaction counts and rate over a window of blocks (default: a month's worth). */
function getChainTxStats(p: Params, ctx: RpcContext): unknown {
  let entry = ctx.chain.tip;
  if (p.has(1)) {
    const found = ctx.chain.getEntry(p.hash(1, 'blockhash'));
    if (!found) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
    if (!isOnMainChain(ctx.chain, found)) throw invalidParameter('Block is not in main chain');
    entry = found;
  }
  let blockCount = Math.max(0, Math.min(Math.floor((30 * 24 * 60 * 60) / ctx.params.targetSpacing), entry.height - 1));
  if (p.has(0)) {
    blockCount = p.int(0);
    if (blockCount < 0 || (blockCount > 0 && blockCount >= entry.height)) throw invalidParameter("Invalid block count: should be between 0 and the block's height - 1");
  }
  const past = ancestor(entry, entry.height - blockCount);
  const interval = medianTime(entry) - medianTime(past);
  const txCount = chainTxCount(entry);
  const windowTxCount = txCount - chainTxCount(past);
  const out: Record<string, unknown> = {
    time: entry.header.time,
    txcount: txCount,
    window_final_block_hash: entry.hash,
    window_final_block_height: entry.height,
    window_block_count: blockCount,
  };
  if (blockCount > 0) {
    out.window_interval = interval;
    if (windowTxCount !== 0) {
      out.window_tx_count = windowTxCount;
      if (interval > 0) out.txrate = windowTxCount / interval;
    }
  }
  return out;
}

/**
 * Core's getchainstates. After loadtxoutset the one chainstate is the snapshot's (snapshot_blockhash,
 * validated false): this node keeps no background chainstate validating the blocks below the base
 * (see docs/chain.md), so there is no second entry, and none will ever be validated.
 */
function getChainStates(_p: Params, ctx: RpcContext): unknown {
  const tip = ctx.chain.tip;
  const bits = tip.header.bits;
  const snapshot = ctx.chain.snapshotBase;
  return {
    headers: ctx.chain.bestHeader.height,
    chainstates: [
      {
        blocks: tip.height,
        bestblockhash: tip.hash,
        bits: bitsHex(bits),
        target: hex32(compactToTarget(bits)),
        difficulty: difficulty(bits),
        verificationprogress: ctx.chain.verificationProgress(),
        coins_db_cache_bytes: ctx.chain.coinsCacheBytes?.db ?? 0,
        coins_tip_cache_bytes: ctx.chain.coinsCacheBytes?.tip ?? 0,
        ...(snapshot ? { snapshot_blockhash: snapshot.hash } : {}),
        validated: snapshot === undefined,
      },
    ],
  };
}

async function preciousBlock(p: Params, ctx: RpcContext): Promise<null> {
  const hash = p.hash(0, 'blockhash');
  const found = ctx.chain.preciousBlock ? await ctx.chain.preciousBlock(hash) : ctx.chain.getEntry(hash) !== undefined;
  if (!found) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return null;
}

/** Core's submitheader: -22 for bytes that are no header, -25 for an unknown parent or a broken rule. */
async function submitHeader(p: Params, ctx: RpcContext): Promise<null> {
  const text = p.string(0) ?? '';
  let header: BlockHeader;
  try {
    if (text.length !== 160 || !isHex(text)) throw new Error('not 80 bytes of hex');
    header = BlockHeader.decode(fromHex(text));
  } catch {
    throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'Block header decode failed');
  }
  if (!ctx.chain.getEntry(header.prevHashHex())) throw new RpcError(RpcCode.VERIFY_ERROR, `Must submit previous header (${header.prevHashHex()}) first`);
  if (!ctx.chain.processHeaders) throw new RpcError(RpcCode.MISC_ERROR, 'Failed to make block.');
  try {
    await ctx.chain.processHeaders([header]);
  } catch (err) {
    if (isRuleError(err)) throw new RpcError(RpcCode.VERIFY_ERROR, err.code);
    throw err;
  }
  return null;
}

/** This node keeps every block (no -prune mode): Core's answer for a node not in prune mode. */
function pruneBlockchain(p: Params): never {
  p.int(0);
  throw new RpcError(RpcCode.MISC_ERROR, 'Cannot prune blocks because node is not in prune mode.');
}

export const chainExtraMethods: RpcMethod[] = [
  { name: 'getchaintxstats', group: 'blockchain', args: [optional('nblocks'), optional('blockhash')], summary: 'Transaction count and rate over a window of blocks.', run: getChainTxStats },
  { name: 'getchainstates', group: 'blockchain', args: [], summary: 'The chainstate: height, tip, bits, target, difficulty, progress.', run: getChainStates },
  { name: 'preciousblock', group: 'blockchain', args: [required('blockhash')], summary: 'Treats a block as seen first among equal-work tips (the chain may move to it).', run: preciousBlock },
  { name: 'submitheader', group: 'mining', args: [required('hexdata')], summary: 'Stores a block header (80 bytes hex) whose parent is known.', run: submitHeader },
  { name: 'pruneblockchain', group: 'blockchain', args: [required('height')], summary: 'Prunes blocks up to a height; this node keeps every block (-1, not in prune mode).', run: pruneBlockchain },
];
