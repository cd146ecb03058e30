import { bytesEqual, hashToHex, hexToHash } from '../primitives/bytes.js';
import type { BlockHeader } from '../primitives/header.js';
import { MEDIAN_TIME_SPAN, type NetworkParams } from '../params/types.js';
import { calculateNextWorkRequired, isRetargetHeight } from './difficulty.js';
import { RuleError, isRuleError } from './errors.js';
import { checkBlockHeader, checkDifficultyBits, unixNow } from './header-checks.js';
import { checkTimeAfterMedian, checkTimeNotTooNew, medianTime } from './median-time.js';
import { blockProof } from './pow.js';

export interface HeaderChainResult {
  /** Display-order hash of the last header. */
  tipHash: string;
  /** Sum of block proofs from genesis through the last header. */
  chainwork: bigint;
}

export interface HeaderChainOptions {
  /** Our clock, seconds since the epoch; defaults to the system clock. */
  now?: number;
}

/** What is known about the chain just before a segment's first header. */
export interface SegmentAnchor {
  /** Height of the segment's first header. */
  readonly startHeight: number;
  /** Chainwork through the first header's parent. */
  readonly chainworkBefore: bigint;
  /**
   * The first header's parent. When given, linkage and the first header's bits are checked;
   * without it the first header's bits are taken as given (its proof of work is still checked).
   */
  readonly parent?: { readonly hash: string; readonly bits: number; readonly time: number };
  /**
   * Time of the first block of the parent's difficulty period (height
   * floor((startHeight - 1) / interval) * interval). Needed only when a retarget inside the
   * segment is timed from a block before it; a missing value is then an error, never a skip.
   */
  readonly periodStartTime?: number;
  /**
   * Times of the blocks just before the segment, oldest first, ending with the parent's. The
   * median-time rule is checked for every header whose whole window (the 11 blocks before it,
   * fewer near genesis) is known, so without these the first 11 headers skip only that rule.
   */
  readonly priorTimes?: readonly number[];
}

/** The rolling state of a header run: O(1) per header, whatever the length. */
interface RunState {
  height: number;
  hash?: Uint8Array;
  bits?: number;
  time?: number;
  /** Known consecutive times ending with the tip's, at most MEDIAN_TIME_SPAN. */
  recentTimes: number[];
  /** Time of the first block of the tip's difficulty period, when known. */
  periodStartTime?: number;
  chainwork: bigint;
}

/**
 * Validates a header chain from genesis: the first header must be the network's genesis, and
 * every later one must link, carry valid proof of work and the required bits, and keep time
 * moving forward. Throws a RuleError at the first header that breaks a rule.
 */
export function validateHeaderChain(
  headers: readonly BlockHeader[],
  params: NetworkParams,
  options: HeaderChainOptions = {},
): HeaderChainResult {
  if (headers.length === 0) throw new Error('validateHeaderChain needs at least the genesis header');
  const genesis = headers[0];
  if (genesis.hash() !== params.genesisHash) {
    throw new RuleError('bad-genesis', `first header ${genesis.hash()} is not genesis ${params.genesisHash}`);
  }
  const state: RunState = {
    height: 0,
    hash: genesis.hashBytes(),
    bits: genesis.bits,
    time: genesis.time,
    recentTimes: [genesis.time],
    periodStartTime: genesis.time,
    chainwork: blockProof(genesis.bits),
  };
  return extendRun(state, headers, 1, params, options.now ?? unixNow());
}

/**
 * Validates a run of headers that starts after a known point, as a checkpoint or a stored tip.
 * Checks everything `anchor` makes checkable (see SegmentAnchor) and every rule from then on.
 */
export function validateHeaderSegment(
  headers: readonly BlockHeader[],
  anchor: SegmentAnchor,
  params: NetworkParams,
  options: HeaderChainOptions = {},
): HeaderChainResult {
  if (headers.length === 0) throw new Error('validateHeaderSegment needs at least one header');
  if (!Number.isInteger(anchor.startHeight) || anchor.startHeight < 1) {
    throw new Error(`segment startHeight must be a positive integer, got ${anchor.startHeight}`);
  }
  return extendRun(anchorState(anchor), headers, 0, params, options.now ?? unixNow());
}

function anchorState(anchor: SegmentAnchor): RunState {
  const recentTimes = (anchor.priorTimes ?? []).slice(-MEDIAN_TIME_SPAN);
  const parent = anchor.parent;
  if (parent && recentTimes.length > 0 && recentTimes[recentTimes.length - 1] !== parent.time) {
    throw new Error('segment anchor: the last prior time must be the parent time');
  }
  if (parent && recentTimes.length === 0) recentTimes.push(parent.time);
  return {
    height: anchor.startHeight - 1,
    hash: parent ? hexToHash(parent.hash) : undefined,
    bits: parent?.bits,
    time: parent?.time,
    recentTimes,
    periodStartTime: anchor.periodStartTime,
    chainwork: anchor.chainworkBefore,
  };
}

function extendRun(
  state: RunState,
  headers: readonly BlockHeader[],
  from: number,
  params: NetworkParams,
  now: number,
): HeaderChainResult {
  for (let i = from; i < headers.length; i++) {
    const height = state.height + 1;
    try {
      checkNext(state, headers[i], params, now);
    } catch (err) {
      if (isRuleError(err)) err.message += ` (height ${height})`;
      throw err;
    }
    advance(state, headers[i], params);
  }
  return { tipHash: hashToHex(state.hash!), chainwork: state.chainwork };
}

/**
 * Core's order for a headers message: continuity first, then the context-free proof of work,
 * then the rules that need the parent.
 */
function checkNext(state: RunState, header: BlockHeader, params: NetworkParams, now: number): void {
  checkLinks(state, header);
  checkBlockHeader(header, params);
  const requiredBits = requiredBitsAfter(state, params);
  if (requiredBits !== undefined) checkDifficultyBits(header, requiredBits);
  if (knowsMedianWindow(state)) checkTimeAfterMedian(header.time, medianTime(state.recentTimes));
  checkTimeNotTooNew(header.time, now);
}

function checkLinks(state: RunState, header: BlockHeader): void {
  if (state.hash && !bytesEqual(header.prevHash, state.hash)) {
    throw new RuleError('bad-prevblk', `header builds on ${header.prevHashHex()}, not on ${hashToHex(state.hash)}`);
  }
}

/** The bits the next header must carry, or undefined when the parent's bits are not known. */
function requiredBitsAfter(state: RunState, params: NetworkParams): number | undefined {
  if (state.bits === undefined) return undefined;
  if (params.noRetargeting || !isRetargetHeight(state.height + 1, params)) return state.bits;
  if (state.periodStartTime === undefined) {
    throw new Error(`cannot check the retarget at height ${state.height + 1}: anchor.periodStartTime is missing`);
  }
  return calculateNextWorkRequired(state.bits, state.periodStartTime, state.time!, params);
}

/** Core's median covers the parent and up to 10 before it; fewer only near genesis. */
function knowsMedianWindow(state: RunState): boolean {
  return state.recentTimes.length >= Math.min(MEDIAN_TIME_SPAN, state.height + 1);
}

function advance(state: RunState, header: BlockHeader, params: NetworkParams): void {
  state.height += 1;
  state.hash = header.hashBytes();
  state.bits = header.bits;
  state.time = header.time;
  state.recentTimes.push(header.time);
  if (state.recentTimes.length > MEDIAN_TIME_SPAN) state.recentTimes.shift();
  if (isRetargetHeight(state.height, params)) state.periodStartTime = header.time;
  state.chainwork += blockProof(header.bits);
}
