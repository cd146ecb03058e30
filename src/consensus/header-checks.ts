import type { BlockHeader } from '../primitives/header.js';
import type { NetworkParams } from '../params/types.js';
import { getNextWorkRequired } from './difficulty.js';
import { RuleError } from './errors.js';
import type { HeaderView } from './header-view.js';
import { checkTimeAfterMedian, checkTimeNotTooNew, medianTimePast } from './median-time.js';
import { checkProofOfWork } from './pow.js';

/** Seconds since the epoch, as header times count. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Context-free header rules (Core's CheckBlockHeader): only proof of work, which is cheap and
 * lets us drop junk before any lookup.
 */
export function checkBlockHeader(header: BlockHeader, params: NetworkParams): void {
  checkHeaderProofOfWork(header, params);
}

/** Core reports unusable bits and a hash above the target alike, as 'high-hash'. */
export function checkHeaderProofOfWork(header: BlockHeader, params: NetworkParams): void {
  const failure = checkProofOfWork(header.hashBytes(), header.bits, params.powLimit);
  if (failure === 'bad-bits') throw new RuleError('high-hash', `bits 0x${hex32(header.bits)} name no valid target`);
  if (failure === 'high-hash') throw new RuleError('high-hash', `hash ${header.hash()} is above its target`);
}

/** The bits must be exactly what the difficulty schedule asks of this height. */
export function checkDifficultyBits(header: BlockHeader, requiredBits: number): void {
  if (header.bits !== requiredBits >>> 0) {
    throw new RuleError('bad-diffbits', `bits 0x${hex32(header.bits)}, expected 0x${hex32(requiredBits)}`);
  }
}

/**
 * Rules that need the parent (Core's ContextualCheckBlockHeader), in Core's order: difficulty,
 * then time against the median, then time against our clock.
 */
export function checkHeaderContext(header: BlockHeader, parent: HeaderView, params: NetworkParams, now: number): void {
  checkDifficultyBits(header, getNextWorkRequired(parent, params));
  checkTimeAfterMedian(header.time, medianTimePast(parent));
  checkTimeNotTooNew(header.time, now);
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
