/** Mempool methods and fee estimation. */
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext, RpcMempoolEntry } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

export function mempoolEntryJson(entry: RpcMempoolEntry, replaceable = false): Record<string, unknown> {
  return {
    vsize: entry.vsize,
    weight: entry.weight,
    time: entry.time,
    height: entry.height,
    descendantcount: entry.descendant.count,
    descendantsize: entry.descendant.vsize,
    ancestorcount: entry.ancestor.count,
    ancestorsize: entry.ancestor.vsize,
    wtxid: entry.wtxid,
    fees: {
      base: amountJson(entry.fee),
      modified: amountJson(entry.modifiedFee),
      ancestor: amountJson(entry.ancestor.fee),
      descendant: amountJson(entry.descendant.fee),
    },
    depends: [...entry.parents],
    spentby: [...entry.children],
    'bip125-replaceable': replaceable,
    unbroadcast: false,
  };
}

function getRawMempool(p: Params, ctx: RpcContext): unknown {
  const verbose = p.bool(0, false);
  const entries = [...ctx.mempool.entries()];
  if (!verbose) return entries.map((e) => e.txid);
  return Object.fromEntries(entries.map((e) => [e.txid, mempoolEntryJson(e, ctx.mempool.signalsRbf?.(e.txid) ?? false)]));
}

function getMempoolEntry(p: Params, ctx: RpcContext): unknown {
  const entry = ctx.mempool.get(p.hash(0, 'txid'));
  if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
  return mempoolEntryJson(entry, ctx.mempool.signalsRbf?.(entry.txid) ?? false);
}

/**
 * The fee rate (sat/kvB) that gets a tx into one of the next `blocks` blocks if the pool were
 * mined as it stands: walk the pool by fee rate, highest first, filling `blocks` blocks of
 * weight; the rate where the space runs out is the bid to beat. A pool that does not fill them
 * asks only its minimum; an empty one answers the node's default.
 */
export function estimateFeeRate(ctx: RpcContext, blocks: number): number {
  const entries = [...ctx.mempool.entries()].sort((a, b) => Number(b.fee) / b.vsize - Number(a.fee) / a.vsize);
  const floor = ctx.mempool.minFeeRate();
  if (entries.length === 0) return Math.max(floor, ctx.fallbackFeeRate * 1000);
  const space = blocks * (ctx.params.maxBlockWeight - 4000);
  let used = 0;
  for (const entry of entries) {
    used += entry.weight;
    if (used > space) return Math.max(floor, Math.ceil((Number(entry.fee) * 1000) / entry.vsize) + 1);
  }
  return floor;
}

function estimateSmartFee(p: Params, ctx: RpcContext): unknown {
  const target = p.int(0, { min: 1, max: 1008, what: 'Invalid conf_target, must be between 1 and 1008' });
  const mode = (p.string(1) ?? 'conservative').toLowerCase();
  if (!['unset', 'economical', 'conservative'].includes(mode)) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"');
  return { feerate: amountJson(BigInt(estimateFeeRate(ctx, target))), blocks: target };
}

export const mempoolMethods: RpcMethod[] = [
  { name: 'getmempoolinfo', group: 'blockchain', args: [], summary: 'Size, usage and fee floors of the mempool.', run: (_p, ctx) => ctx.mempool.info() },
  { name: 'getrawmempool', group: 'blockchain', args: [optional('verbose'), optional('mempool_sequence')], summary: 'Txids in the mempool, or entries by txid when verbose.', run: getRawMempool },
  { name: 'getmempoolentry', group: 'blockchain', args: [required('txid')], summary: 'One mempool entry: sizes, fees, ancestors and descendants.', run: getMempoolEntry },
  { name: 'estimatesmartfee', group: 'util', args: [required('conf_target'), optional('estimate_mode')], summary: 'Fee rate (coins/kvB) to confirm within conf_target blocks, from the mempool.', run: estimateSmartFee },
];
