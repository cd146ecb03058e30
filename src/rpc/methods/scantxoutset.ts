/**
 * Core's scantxoutset: the UTXO set searched for the outputs of descriptors, without a wallet.
 * `start` scans (one at a time per node, as Core's reserver), `status` tells how far a running
 * scan is, `abort` stops it.
 */
import type { Descriptor } from '../../primitives/descriptor/descriptor.js';
import { addChecksum } from '../../primitives/descriptor/descriptor.js';
import { pathText } from '../../primitives/descriptor/keys.js';
import { toHex } from '../../primitives/bytes.js';
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter, typeError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { derived, parseDescriptor, parseRange } from './descriptors.js';
import { type RpcMethod, optional, required } from './types.js';

interface ScanState {
  /** Outpoint keys' first byte seen so far over 256: the set is in outpoint order, so this is the share done. */
  progress: number;
  abort: boolean;
}

/** The running scan of each node (keyed by its RPC context, so nodes in one process do not share one). */
const scans = new WeakMap<object, ScanState>();

/** The descriptors and index ranges of scan objects: a descriptor string, or {desc, range} for a ranged one (default range 1000, as Core); scanblocks reads them too. */
export function scanObjects(objects: unknown[], ctx: RpcContext): Array<{ descriptor: Descriptor; begin: number; end: number }> {
  return objects.map((item) => {
    let text: unknown = item;
    let range: unknown = 1000;
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      text = (item as { desc?: unknown }).desc;
      range = (item as { range?: unknown }).range ?? 1000;
    }
    if (typeof text !== 'string') throw typeError('Scan object needs to be either a string or an object');
    const descriptor = parseDescriptor(text, ctx.params, false);
    const [begin, end] = descriptor.isRange ? parseRange(range) : [0, 0];
    return { descriptor, begin, end };
  });
}

/** Script hex → the descriptor text a match is reported with (Core's inferred descriptor). */
function wantedScripts(objects: unknown[], ctx: RpcContext): Map<string, string> {
  const wanted = new Map<string, string>();
  for (const { descriptor, begin, end } of scanObjects(objects, ctx)) {
    for (let i = begin; i <= end; i++) addExpansion(wanted, descriptor, i);
  }
  return wanted;
}

function addExpansion(wanted: Map<string, string>, descriptor: Descriptor, index: number): void {
  const { scripts, keys } = derived(() => descriptor.expand(index));
  for (const script of scripts) {
    const hex = toHex(script);
    if (wanted.has(hex)) continue;
    // One key behind a wpkh output: report it as Core infers it, with its origin; otherwise the raw script.
    const key = keys.length === 1 && script.length === 22 && script[0] === 0 ? keys[0] : undefined;
    const origin = key && key.origin.path.length > 0 ? `[${key.origin.fingerprint}${pathText(key.origin.path)}]` : '';
    const text = key ? `wpkh(${origin}${toHex(key.publicKey)})` : `raw(${hex})`;
    wanted.set(hex, addChecksum(text));
  }
}

async function start(objects: unknown[], ctx: RpcContext): Promise<unknown> {
  if (scans.has(ctx)) throw invalidParameter('Scan already in progress, use action "abort" or "status"');
  const wanted = wantedScripts(objects, ctx);
  const state: ScanState = { progress: 0, abort: false };
  scans.set(ctx, state);
  try {
    const tip = ctx.chain.tip;
    const unspents: unknown[] = [];
    let total = 0n;
    let txouts = 0;
    for await (const { outpoint, coin } of ctx.chain.store.iterateCoins()) {
      txouts++;
      if ((txouts & 0xfff) === 0) {
        state.progress = Math.floor((outpoint.txid[0] / 256) * 100);
        await new Promise((resolve) => setImmediate(resolve));
        if (state.abort) return { success: false, txouts, height: tip.height, bestblock: tip.hash, unspents: [], total_amount: amountJson(0n) };
      }
      const desc = wanted.get(toHex(coin.script));
      if (desc === undefined) continue;
      total += coin.value;
      const block = ctx.chain.getEntryAtHeight(coin.height);
      unspents.push({
        txid: outpoint.txidHex(),
        vout: outpoint.index,
        scriptPubKey: toHex(coin.script),
        desc,
        amount: amountJson(coin.value),
        coinbase: coin.coinbase,
        height: coin.height,
        ...(block ? { blockhash: block.hash } : {}),
        confirmations: tip.height - coin.height + 1,
      });
    }
    return { success: true, txouts, height: tip.height, bestblock: tip.hash, unspents, total_amount: amountJson(total) };
  } finally {
    scans.delete(ctx);
  }
}

async function scanTxOutSet(p: Params, ctx: RpcContext): Promise<unknown> {
  const action = p.raw(0);
  if (typeof action !== 'string') throw typeError('JSON value is not a string as expected');
  if (action === 'status') {
    const state = scans.get(ctx);
    return state ? { progress: state.progress } : null;
  }
  if (action === 'abort') {
    const state = scans.get(ctx);
    if (!state) return false;
    state.abort = true;
    return true;
  }
  if (action !== 'start') throw new RpcError(RpcCode.INVALID_PARAMETER, 'Invalid action \'' + action.slice(0, 40) + '\'');
  if (!p.has(1)) throw invalidParameter('scanobjects argument is required for the start action');
  return start(p.array(1), ctx);
}

export const scanMethods: RpcMethod[] = [
  { name: 'scantxoutset', group: 'blockchain', args: [required('action'), optional('scanobjects')], summary: 'Searches the UTXO set for the outputs of descriptors (start), or tells how far a scan is (status) or stops it (abort).', run: scanTxOutSet },
];
