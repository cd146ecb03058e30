/** getdeploymentinfo and getindexinfo: which rules are in force, and which optional indexes run. */
import { RpcCode, RpcError } from '../errors.js';
import type { RpcBlockEntry, RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional } from './types.js';

/**
 * The soft forks this chain enforces, as Core's "buried" deployments (fixed heights, no
 * signalling): BIP34 coinbase heights and segwit (BIP141/143). Nothing else is listed: there
 * is no script interpreter for CLTV/CSV (bip65, csv) and no taproot, so claiming them would lie.
 */
function deployments(ctx: RpcContext, entry: RpcBlockEntry): Record<string, unknown> {
  // Core reports whether a rule applies to the block after `entry` (DeploymentActiveAfter).
  const buried = (height: number) => ({ type: 'buried', active: entry.height + 1 >= height, height });
  return { bip34: buried(ctx.params.bip34Height), segwit: buried(ctx.params.segwitHeight) };
}

function getDeploymentInfo(p: Params, ctx: RpcContext): Record<string, unknown> {
  const entry = p.has(0) ? ctx.chain.getEntry(p.hash(0, 'blockhash')) : ctx.chain.tip;
  if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return { hash: entry.hash, height: entry.height, deployments: deployments(ctx, entry) };
}

/** Core's getindexinfo: one row per running index, filtered by name when given. */
function getIndexInfo(p: Params, ctx: RpcContext): Record<string, unknown> {
  const name = p.string(0);
  const rows: Record<string, unknown> = {};
  if (ctx.txIndex) rows.txindex = ctx.txIndex.info();
  if (ctx.blockFilterIndex) rows['basic block filter index'] = ctx.blockFilterIndex.info();
  if (name === undefined) return rows;
  return name in rows ? { [name]: rows[name] } : {};
}

export const chainInfoMethods: RpcMethod[] = [
  { name: 'getdeploymentinfo', group: 'blockchain', args: [optional('blockhash')], summary: 'Soft forks in force at a block (default: the tip): bip34 and segwit, buried.', run: getDeploymentInfo },
  { name: 'getindexinfo', group: 'util', args: [optional('index_name')], summary: 'Optional indexes (txindex with --txindex): synced and best_block_height.', run: getIndexInfo },
];
