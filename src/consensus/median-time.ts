import { MAX_FUTURE_BLOCK_TIME, MEDIAN_TIME_SPAN } from '../params/types.js';
import { RuleError } from './errors.js';
import type { HeaderView } from './header-view.js';

/** Core's median: sort and take the upper middle, so an even count (only near genesis) picks the later one. */
export function medianTime(times: readonly number[]): number {
  if (times.length === 0) throw new RangeError('median of no times');
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Core's GetMedianTimePast: the median of this block's time and its up to ten predecessors'. */
export function medianTimePast(block: HeaderView): number {
  const oldest = Math.max(0, block.height - (MEDIAN_TIME_SPAN - 1));
  const times: number[] = [];
  for (let h = oldest; h < block.height; h++) times.push(block.ancestor(h).time);
  times.push(block.time);
  return medianTime(times);
}

/** A header must be later than its parent's median time past, so time always moves forward. */
export function checkTimeAfterMedian(time: number, medianTimePastOfParent: number): void {
  if (time <= medianTimePastOfParent) {
    throw new RuleError('time-too-old', `block time ${time} is not after median time past ${medianTimePastOfParent}`);
  }
}

/**
 * A header may be at most two hours ahead of our clock. Only 'ignore': the same header becomes
 * acceptable once our clock catches up, so its sender is not to blame.
 */
export function checkTimeNotTooNew(time: number, now: number): void {
  if (time > now + MAX_FUTURE_BLOCK_TIME) {
    throw new RuleError('time-too-new', `block time ${time} is more than ${MAX_FUTURE_BLOCK_TIME}s after ${now}`, {
      action: 'ignore',
    });
  }
}
