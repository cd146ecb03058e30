import { blockProof } from '../consensus/pow.js';
import type { NetworkParams } from '../params/types.js';
import type { BlockIndexEntry } from './block-index.js';

/** Core: script checks are only skipped for blocks at least two weeks' worth of work below the best header. */
const ASSUME_VALID_MIN_DEPTH_SECONDS = 60 * 60 * 24 * 7 * 2;

/** Core's GetBlockProofEquivalentTime: how long the work between `from` and `to` takes at `tip`'s difficulty. */
export function proofEquivalentTime(to: BlockIndexEntry, from: BlockIndexEntry, tip: BlockIndexEntry, params: NetworkParams): bigint {
  const work = to.chainwork - from.chainwork;
  const sign = work < 0n ? -1n : 1n;
  const r = ((work < 0n ? -work : work) * BigInt(params.targetSpacing)) / blockProof(tip.bits);
  return sign * r;
}

/**
 * Whether `entry`'s scripts and signatures may go unchecked under --assumevalid, as Core's
 * ConnectBlock decides: the assumed-valid block is known, `entry` is its ancestor, it lies on
 * the best header chain, and `entry` is buried under two weeks of work below that header.
 * Every other rule (UTXO, amounts, subsidy, sigop cost) is still checked.
 */
export function assumedValid(
  entry: BlockIndexEntry,
  assumeValid: BlockIndexEntry | undefined,
  bestHeader: BlockIndexEntry,
  params: NetworkParams,
): boolean {
  if (!assumeValid || assumeValid.isFailed()) return false;
  if (assumeValid.ancestorEntry(entry.height) !== entry) return false;
  if (bestHeader.ancestorEntry(assumeValid.height) !== assumeValid) return false;
  return proofEquivalentTime(bestHeader, entry, bestHeader, params) > BigInt(ASSUME_VALID_MIN_DEPTH_SECONDS);
}
