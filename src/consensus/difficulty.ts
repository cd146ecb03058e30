import type { NetworkParams } from '../params/types.js';
import { decodeCompact, targetToCompact } from './compact.js';
import type { HeaderView } from './header-view.js';

export type { BlockTimeBits, HeaderView } from './header-view.js';

/**
 * Bitcoin Core's CalculateNextWorkRequired: scale the last block's target by how long the
 * period took, within a factor of four either way, never easier than powLimit.
 *
 * The product is computed on unbounded integers. With Bitcoin's powLimit (2^224) it stays far
 * below 2^256, so the result is Core's bit for bit; with an easy powLimit such as 0x1e0fffff
 * Core's 256-bit multiply could wrap (Litecoin patched the same overflow), and we don't.
 */
export function calculateNextWorkRequired(
  lastBits: number,
  periodStartTime: number,
  lastBlockTime: number,
  params: NetworkParams,
): number {
  if (params.noRetargeting) return lastBits;
  const actual = clampTimespan(lastBlockTime - periodStartTime, params.targetTimespan);
  let target = (decodeCompact(lastBits).target * BigInt(actual)) / BigInt(params.targetTimespan);
  if (target > params.powLimit) target = params.powLimit;
  return targetToCompact(target);
}

/** A period is measured as at least a quarter and at most four times the target timespan. */
function clampTimespan(actual: number, targetTimespan: number): number {
  const min = Math.floor(targetTimespan / 4);
  const max = targetTimespan * 4;
  return Math.min(Math.max(actual, min), max);
}

/** Whether a block at this height starts a new difficulty period. */
export function isRetargetHeight(height: number, params: NetworkParams): boolean {
  return height % params.retargetInterval === 0;
}

/**
 * Bitcoin Core's GetNextWorkRequired (no testnet minimum-difficulty rule): the bits the child
 * of `parent` must carry.
 */
export function getNextWorkRequired(parent: HeaderView, params: NetworkParams): number {
  if (params.noRetargeting || !isRetargetHeight(parent.height + 1, params)) return parent.bits;
  // Core's off-by-one, kept for consensus: the period is timed from its first block, so only
  // interval - 1 block gaps are measured.
  const first = parent.ancestor(parent.height - (params.retargetInterval - 1));
  return calculateNextWorkRequired(parent.bits, first.time, parent.time, params);
}
