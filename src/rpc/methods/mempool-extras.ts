/** Core's mempool graph methods: getmempoolancestors, getmempooldescendants, gettxspendingprevout. */
import { hexToHash } from '../../primitives/bytes.js';
import { OutPoint } from '../../primitives/outpoint.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext, RpcMempoolEntry } from '../interfaces.js';
import { type Params, jsonType, parseHash } from '../params.js';
import { mempoolEntryJson } from './mempool.js';
import { type RpcMethod, optional, required } from './types.js';

/** Every in-pool ancestor (via parents) or descendant (via children) of `start`, itself excluded. */
function relatives(ctx: RpcContext, start: RpcMempoolEntry, direction: 'parents' | 'children'): RpcMempoolEntry[] {
  const seen = new Set<string>([start.txid]);
  const found: RpcMempoolEntry[] = [];
  const stack = [...start[direction]];
  while (stack.length > 0) {
    const txid = stack.pop()!;
    if (seen.has(txid)) continue;
    seen.add(txid);
    const entry = ctx.mempool.get(txid);
    if (!entry) continue;
    found.push(entry);
    stack.push(...entry[direction]);
  }
  return found;
}

function graphMethod(direction: 'parents' | 'children') {
  return (p: Params, ctx: RpcContext): unknown => {
    const entry = ctx.mempool.get(p.hash(0, 'txid'));
    const verbose = p.bool(1, false);
    if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    const found = relatives(ctx, entry, direction);
    if (!verbose) return found.map((e) => e.txid);
    return Object.fromEntries(found.map((e) => [e.txid, mempoolEntryJson(e, ctx.mempool.signalsRbf?.(e.txid) ?? false)]));
  };
}

/** Core's gettxspendingprevout: for each outpoint, the mempool tx spending it, if any. */
function getTxSpendingPrevout(p: Params, ctx: RpcContext): unknown {
  const outputs = p.array(0);
  if (outputs.length === 0) throw invalidParameter('Invalid parameter, outputs are missing');
  const outpoints = outputs.map((raw) => {
    if (jsonType(raw) !== 'object') throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(raw)} is not of expected type object`);
    const { txid, vout } = raw as Record<string, unknown>;
    if (typeof txid !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(txid)} for field txid is not of expected type string`);
    if (typeof vout !== 'number' || !Number.isFinite(vout)) throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(vout)} for field vout is not of expected type number`);
    if (!Number.isSafeInteger(vout)) throw new RpcError(RpcCode.TYPE_ERROR, 'JSON integer out of range');
    if (vout < 0) throw invalidParameter('Invalid parameter, vout cannot be negative');
    if (vout > 0xffffffff) throw new RpcError(RpcCode.TYPE_ERROR, 'JSON integer out of range');
    const hash = parseHash(txid, 'txid');
    return { txid: hash, vout, outpoint: new OutPoint(hexToHash(hash), vout) };
  });
  return outpoints.map(({ txid, vout, outpoint }) => {
    const spender = ctx.mempool.spentBy(outpoint);
    return spender ? { txid, vout, spendingtxid: spender } : { txid, vout };
  });
}

export const mempoolExtraMethods: RpcMethod[] = [
  { name: 'getmempoolancestors', group: 'blockchain', args: [required('txid'), optional('verbose')], summary: 'The in-mempool ancestors of a mempool tx (txids, or entries when verbose).', run: graphMethod('parents') },
  { name: 'getmempooldescendants', group: 'blockchain', args: [required('txid'), optional('verbose')], summary: 'The in-mempool descendants of a mempool tx (txids, or entries when verbose).', run: graphMethod('children') },
  { name: 'gettxspendingprevout', group: 'blockchain', args: [required('outputs')], summary: 'For each outpoint, the mempool tx spending it.', run: getTxSpendingPrevout },
];
