/** Where the node stands in catching up: initial block download and verification progress. */
import type { BlockIndexEntry } from './block-index.js';
import type { Logger } from '../util/logger.js';

/**
 * Core's IsInitialBlockDownload: true while the tip has less than the minimum chain work or
 * is older than the network's maxTipAge; once false, false for good (Core's latch).
 */
export class InitialDownload {
  private left = false;

  constructor(
    private readonly minimumChainWork: bigint,
    private readonly maxTipAge: number,
    private readonly logger: Logger,
  ) {}

  /** `now`: the chain's clock, seconds since the epoch. */
  check(tip: BlockIndexEntry, now: () => number): boolean {
    if (this.left) return false;
    if (tip.chainwork < this.minimumChainWork || tip.time < now() - this.maxTipAge) return true;
    this.left = true;
    this.logger.info({ height: tip.height }, 'leaving initial block download');
    return false;
  }
}

/**
 * How far validation has come, from 0 to 1: the tip's chainwork over the most work we know of
 * (the best header, or the minimum chain work when that is more). Core estimates from
 * transaction counts instead; work needs no per-network table and cannot run backwards.
 */
export function verificationProgress(tip: BlockIndexEntry, bestHeader: BlockIndexEntry, minimumChainWork: bigint): number {
  const known = bestHeader.chainwork > minimumChainWork ? bestHeader.chainwork : minimumChainWork;
  if (known === 0n || tip.chainwork >= known) return 1;
  return Number((tip.chainwork * 1_000_000n) / known) / 1_000_000;
}
