/**
 * Core's scanblocks: the blocks in a height range whose BIP158 basic filters match the output
 * scripts of some descriptors (--blockfilterindex). `start` scans (one scan per node at a time),
 * `status` tells how far it is, `abort` stops it. With filter_false_positives, each match is
 * checked against the block itself: its outputs and the scripts its inputs spent (undo data).
 */
import { hexToHash } from '../../primitives/bytes.js';
import { gcsMatchAny } from '../../primitives/block-filter-match.js';
import { basicFilterElements } from '../../primitives/block-filter.js';
import { toHex } from '../../primitives/bytes.js';
import { RpcCode, RpcError, invalidParameter, typeError } from '../errors.js';
import type { RpcBlockFilterIndex, RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { derived } from './descriptors.js';
import { scanObjects } from './scantxoutset.js';
import { type RpcMethod, optional, required } from './types.js';

interface ScanState {
  startHeight: number;
  stopHeight: number;
  currentHeight: number;
  abort: boolean;
}

/** The running scan of each node, keyed by its chain (every endpoint's context shares it). */
const scans = new WeakMap<object, ScanState>();

/** Blocks between two yields to the event loop, so status and abort are answered mid-scan. */
const BATCH = 100;

/** The scripts of every scan object: a descriptor string, or {desc, range} for a ranged one (default range 1000, as Core). */
export function needles(objects: unknown[], ctx: RpcContext): Uint8Array[] {
  const scripts = new Map<string, Uint8Array>();
  for (const { descriptor, begin, end } of scanObjects(objects, ctx)) {
    for (let i = begin; i <= end; i++) for (const script of derived(() => descriptor.expand(i)).scripts) scripts.set(toHex(script), script);
  }
  return [...scripts.values()];
}

function filterIndex(p: Params, ctx: RpcContext): RpcBlockFilterIndex {
  const type = p.string(4, 'basic');
  if (type !== 'basic') throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Unknown filtertype');
  if (!ctx.blockFilterIndex) throw new RpcError(RpcCode.MISC_ERROR, 'Index is not enabled for filtertype basic');
  return ctx.blockFilterIndex;
}

/** Whether the block really pays or spends one of `wanted` (hex scripts): Core's filter_false_positives. */
async function blockMatches(hash: string, height: number, wanted: ReadonlySet<string>, ctx: RpcContext): Promise<boolean> {
  const block = await ctx.chain.getBlock(hash);
  if (!block) return true;
  const spent = height === 0 ? [] : ((await ctx.chain.store.getUndo(hexToHash(hash))) ?? []);
  const elements = basicFilterElements(block.txs.flatMap((tx) => tx.outputs.map((out) => out.script)), spent.map((coin) => coin.script));
  return elements.some((script) => wanted.has(toHex(script)));
}

async function start(p: Params, ctx: RpcContext): Promise<unknown> {
  if (!p.has(1)) throw invalidParameter('scanobjects argument is required for the start action');
  const objects = p.array(1);
  const index = filterIndex(p, ctx);
  const options = p.object(5, {});
  const filterFalsePositives = options.filter_false_positives ?? false;
  if (typeof filterFalsePositives !== 'boolean') throw typeError('JSON value of type ' + typeof filterFalsePositives + ' for field filter_false_positives is not of expected type bool');
  const tipHeight = ctx.chain.height;
  const startHeight = p.int(2, { fallback: 0 });
  if (startHeight < 0 || startHeight > tipHeight) throw invalidParameter('Invalid start_height');
  const stopHeight = p.int(3, { fallback: tipHeight });
  if (stopHeight < startHeight || stopHeight > tipHeight) throw invalidParameter('Invalid stop_height');
  const scripts = needles(objects, ctx);
  if (scans.has(ctx.chain)) throw invalidParameter('Scan already in progress, use action "abort" or "status"');
  const state: ScanState = { startHeight, stopHeight, currentHeight: startHeight, abort: false };
  scans.set(ctx.chain, state);
  try {
    // As Core's BlockUntilSyncedToCurrentChain: the filters of every connected block are there.
    if (!index.info().synced) await index.idle();
    const wanted = new Set(scripts.map(toHex));
    const relevant: string[] = [];
    for (let height = startHeight; height <= stopHeight; height++) {
      if ((height - startHeight) % BATCH === BATCH - 1) {
        await new Promise((resolve) => setImmediate(resolve));
        if (state.abort) return { from_height: startHeight, to_height: height - 1, relevant_blocks: relevant, completed: false };
      }
      state.currentHeight = height;
      const entry = ctx.chain.getEntryAtHeight(height);
      if (!entry) break;
      const record = await index.filter(entry.hash);
      if (!record) throw new RpcError(RpcCode.MISC_ERROR, 'Failed to read filter from index');
      if (!gcsMatchAny(record.filter, hexToHash(entry.hash), scripts)) continue;
      if (filterFalsePositives && !(await blockMatches(entry.hash, height, wanted, ctx))) continue;
      relevant.push(entry.hash);
    }
    return { from_height: startHeight, to_height: stopHeight, relevant_blocks: relevant, completed: true };
  } finally {
    scans.delete(ctx.chain);
  }
}

async function scanBlocks(p: Params, ctx: RpcContext): Promise<unknown> {
  const action = p.raw(0);
  if (typeof action !== 'string') throw typeError('JSON value is not a string as expected');
  if (action === 'status') {
    const state = scans.get(ctx.chain);
    if (!state) return null;
    const span = state.stopHeight - state.startHeight;
    const progress = span === 0 ? 0 : Math.floor(((state.currentHeight - state.startHeight) / span) * 100);
    return { progress, current_height: state.currentHeight };
  }
  if (action === 'abort') {
    const state = scans.get(ctx.chain);
    if (!state) return false;
    state.abort = true;
    return true;
  }
  if (action !== 'start') throw invalidParameter(`Invalid action '${action.slice(0, 40)}'`);
  return start(p, ctx);
}

export const scanBlocksMethods: RpcMethod[] = [
  {
    name: 'scanblocks',
    group: 'blockchain',
    args: [required('action'), optional('scanobjects'), optional('start_height'), optional('stop_height'), optional('filtertype'), optional('options')],
    summary: 'Returns the blocks whose BIP158 basic filters match the scan objects (needs --blockfilterindex); status and abort act on a running scan.',
    run: scanBlocks,
  },
];
