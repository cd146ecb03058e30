/**
 * Headers presync (Core's HeadersSyncState, simplified): a peer's header chain that does not yet
 * have enough work to be stored is checked batch by batch with every header rule, keeping only
 * O(1) state and one commitment per batch — the hash of its last header — never the headers.
 * Once the chain's work reaches the threshold, the caller downloads it again from the same
 * starting point; each redownloaded batch must end on the same commitment, and since every
 * header names its parent's hash, a batch ending on the committed hash is the batch that was
 * checked. So a low-work chain costs us 32 bytes per 2,000 headers and is never stored.
 *
 * Core samples 1-bit commitments to save memory and buffers the redownload until it reaches
 * the committed work; our full-hash commitment per batch lets each batch be stored as it comes.
 */
import { type SegmentAnchor, validateHeaderSegment } from '../consensus/header-chain.js';
import { isRetargetHeight } from '../consensus/difficulty.js';
import { MAX_FUTURE_BLOCK_TIME, MEDIAN_TIME_SPAN, type NetworkParams } from '../params/types.js';
import type { BlockHeader } from '../primitives/header.js';

/** Core's bound: median time past moves a second per six blocks at most, so no honest chain is longer. */
const MAX_HEADERS_PER_SECOND = 6;

export type PresyncStep = 'more' | 'enough' | 'too-long';

export class HeadersPresync {
  private anchor: SegmentAnchor;
  private readonly commitments: string[] = [];
  private headers = 0;
  private work: bigint;
  private readonly maxHeaders: number;

  constructor(
    /** The known block the peer's chain leaves ours at (its first header's parent). */
    readonly startHash: string,
    start: SegmentAnchor,
    private readonly threshold: bigint,
    private readonly params: NetworkParams,
    private readonly now: number,
  ) {
    this.anchor = start;
    this.work = start.chainworkBefore;
    const startTime = start.priorTimes?.[0] ?? start.parent?.time ?? now;
    this.maxHeaders = Math.max(0, MAX_HEADERS_PER_SECOND * (now + MAX_FUTURE_BLOCK_TIME - startTime));
  }

  /** Chainwork of the chain checked so far. */
  get chainwork(): bigint {
    return this.work;
  }

  get count(): number {
    return this.headers;
  }

  /** The hash the next batch must continue from. */
  get lastHash(): string {
    return this.anchor.parent!.hash;
  }

  /** The committed batch ends, in order, for the redownload. */
  get batchEnds(): readonly string[] {
    return this.commitments;
  }

  /** Checks the next batch (throws RuleError at a broken rule); says whether the chain has enough work now. */
  feed(batch: readonly BlockHeader[]): PresyncStep {
    const result = validateHeaderSegment(batch, this.anchor, this.params, { now: this.now });
    this.headers += batch.length;
    if (this.headers > this.maxHeaders) return 'too-long';
    this.work = result.chainwork;
    this.commitments.push(result.tipHash);
    this.anchor = this.advance(batch);
    return this.work >= this.threshold ? 'enough' : 'more';
  }

  private advance(batch: readonly BlockHeader[]): SegmentAnchor {
    const last = batch[batch.length - 1];
    let periodStartTime = this.anchor.periodStartTime;
    batch.forEach((header, i) => {
      if (isRetargetHeight(this.anchor.startHeight + i, this.params)) periodStartTime = header.time;
    });
    const priorTimes = [...(this.anchor.priorTimes ?? []), ...batch.map((header) => header.time)].slice(-MEDIAN_TIME_SPAN);
    return {
      startHeight: this.anchor.startHeight + batch.length,
      chainworkBefore: this.work,
      parent: { hash: last.hash(), bits: last.bits, time: last.time },
      periodStartTime,
      priorTimes,
    };
  }
}
