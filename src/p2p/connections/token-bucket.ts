/**
 * Core's per-peer address budget (m_addr_token_bucket): tokens accrue at `perSecond` up to
 * `burst`; each address processed takes one, and addresses past the budget are dropped unread
 * (not punished: an honest peer relaying a burst of announcements is not misbehaving).
 */
export interface TokenBucketLimits {
  perSecond: number;
  burst: number;
}

/** Core: MAX_ADDR_RATE_PER_SECOND 0.1, MAX_ADDR_PROCESSING_TOKEN_BUCKET 1,000. */
export const ADDR_LIMITS: TokenBucketLimits = { perSecond: 0.1, burst: 1_000 };

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limits: TokenBucketLimits,
    initial = 1,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = Math.min(initial, limits.burst);
    this.at = now();
  }

  /** Tokens available now. */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  /** Adds tokens beyond the refill (Core grants MAX_ADDR_TO_SEND when it sends a getaddr); may pass burst. */
  grant(tokens: number): void {
    this.refill();
    this.tokens += tokens;
  }

  /** Takes up to `wanted` whole tokens; returns how many were taken. */
  take(wanted: number): number {
    this.refill();
    const taken = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= taken;
    return taken;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.at = now;
    // A grant may have lifted tokens past burst; refill never does.
    if (this.tokens < this.limits.burst) this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.perSecond);
  }
}
