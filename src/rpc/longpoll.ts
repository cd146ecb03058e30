/**
 * BIP22 long polling for getblocktemplate, as Bitcoin Core does it: the template's `longpollid`
 * is the tip hash followed by a counter of mempool changes (Core's GetTransactionsUpdated). A
 * request carrying it waits, without holding anything but a timer, until the tip changes; after
 * a minute (and every 10 s after that) it also returns if the mempool changed meanwhile, so a
 * miner picks up new fees without being woken on every transaction.
 */

/** The chain and mempool as long polling follows them; Chain and Mempool satisfy these. */
export interface LongPollChain {
  readonly tip: { readonly hash: string };
  on(event: 'tipChanged', listener: () => void): unknown;
  off(event: 'tipChanged', listener: () => void): unknown;
}

export interface LongPollMempool {
  on(event: 'txAccepted' | 'txRemoved', listener: () => void): unknown;
  off(event: 'txAccepted' | 'txRemoved', listener: () => void): unknown;
}

export interface LongPollOptions {
  /** Core: the mempool is first looked at a minute after the request. */
  firstMempoolCheckMs: number;
  /** Core: then every 10 seconds. */
  mempoolRecheckMs: number;
}

const DEFAULTS: LongPollOptions = { firstMempoolCheckMs: 60_000, mempoolRecheckMs: 10_000 };
const HASH_HEX = 64;

export class LongPoll {
  private updates = 0;
  private closed = false;
  private readonly wakers = new Set<() => void>();
  private readonly options: LongPollOptions;
  private readonly onTip = (): void => this.wakeAll();
  private readonly onPool = (): void => {
    this.updates++;
  };

  constructor(
    private readonly chain: LongPollChain,
    private readonly mempool: LongPollMempool,
    options: Partial<LongPollOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    chain.on('tipChanged', this.onTip);
    mempool.on('txAccepted', this.onPool);
    mempool.on('txRemoved', this.onPool);
  }

  /** Mempool changes seen so far (transactions in plus transactions out). */
  transactionsUpdated(): number {
    return this.updates;
  }

  /** What a template carries as `longpollid`. */
  id(): string {
    return `${this.chain.tip.hash}${this.updates}`;
  }

  /**
   * Resolves when the template for `longPollId` is stale: at once if the tip already moved, else
   * on the next tip change, or at a mempool check that finds the pool changed, or at close().
   * A malformed id waits on the current tip, as Core's atoi-based parsing ends up doing.
   */
  async wait(longPollId: string): Promise<void> {
    const watched = longPollId.slice(0, HASH_HEX);
    const seen = Number.parseInt(longPollId.slice(HASH_HEX), 10);
    const updatesThen = Number.isFinite(seen) ? seen : 0;
    if (longPollId.length >= HASH_HEX && watched !== this.chain.tip.hash) return;
    const tipThen = this.chain.tip.hash;
    let checkAt = Date.now() + this.options.firstMempoolCheckMs;
    while (!this.closed && this.chain.tip.hash === tipThen) {
      const left = checkAt - Date.now();
      if (left <= 0) {
        if (this.updates !== updatesThen) return;
        checkAt += this.options.mempoolRecheckMs;
        continue;
      }
      await this.sleep(left);
    }
  }

  /** Ends every wait (node shutdown) and stops following the chain and mempool. */
  close(): void {
    this.closed = true;
    this.chain.off('tipChanged', this.onTip);
    this.mempool.off('txAccepted', this.onPool);
    this.mempool.off('txRemoved', this.onPool);
    this.wakeAll();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
