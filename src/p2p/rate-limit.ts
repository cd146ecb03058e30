/**
 * Per-peer, per-protocol request budgets (token buckets). The limits below are what a requester
 * promises: our own requests wait for a token before they go out, so an honest node never
 * exceeds them however fast its machine. A server allows SERVE_SLACK times as much (burst and
 * rate) before it calls the excess a flood: each request past that is refused unanswered and
 * costs the requester PENALTY.flood.
 */
export type RequestKind = 'status' | 'headers' | 'blocks' | 'txs' | 'mempool' | 'blocktxn';

export interface RateLimit {
  /** Requests that may go at once after a quiet spell. */
  burst: number;
  /** Sustained requests per second. */
  perSecond: number;
}

export const REQUEST_LIMITS: Readonly<Record<RequestKind, RateLimit>> = {
  // Once per connection.
  status: { burst: 5, perSecond: 0.5 },
  // One per 2,000 blocks of sync, or per orphan block a peer relays.
  headers: { burst: 20, perSecond: 5 },
  // 16 blocks each: 3,200 blocks/s from one peer, twice what a 2-core machine connects.
  blocks: { burst: 200, perSecond: 200 },
  // Pushes of txs a reorg returned to the mempool: rare.
  txs: { burst: 20, perSecond: 5 },
  // Mempool reconciliation: on connect and every few seconds at most (regtest), a few rounds each.
  mempool: { burst: 10, perSecond: 1 },
  // Missing txs of a compact block (compact/): at most one per block a peer relays to us.
  blocktxn: { burst: 20, perSecond: 10 },
};

/** How much more than REQUEST_LIMITS a server tolerates before penalising (timer jitter, reconnects). */
export const SERVE_SLACK = 2;

/** Buckets kept before full (idle) ones are swept. */
const SWEEP_AT = 1_024;

class Bucket {
  constructor(
    public tokens: number,
    public at: number,
  ) {}
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: Readonly<Record<RequestKind, RateLimit>>,
    private readonly scale = 1,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token if there is one (the server side): false means the request is over the limit. */
  take(peer: string, kind: RequestKind): boolean {
    const bucket = this.refilled(peer, kind);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * Reserves the next token (the requester side) and returns how many milliseconds to wait
   * before sending, 0 when a token is there now. Reservations queue up: each waits its turn.
   */
  reserve(peer: string, kind: RequestKind): number {
    const bucket = this.refilled(peer, kind);
    bucket.tokens -= 1;
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / this.rate(kind)) * 1000);
  }

  private rate(kind: RequestKind): number {
    return this.limits[kind].perSecond * this.scale;
  }

  private refilled(peer: string, kind: RequestKind): Bucket {
    const key = `${kind} ${peer}`;
    const now = this.now();
    const burst = this.limits[kind].burst * this.scale;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(now);
      bucket = new Bucket(burst, now);
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate(kind));
    bucket.at = now;
    return bucket;
  }

  /** Drops buckets that would be full by now: forgetting them changes nothing. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const kind = key.slice(0, key.indexOf(' ')) as RequestKind;
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate(kind) >= this.limits[kind].burst * this.scale) this.buckets.delete(key);
    }
  }
}
