/**
 * The wallet's periodic rebroadcast (Core's ResendWalletTransactions, run from the scheduler):
 * at randomised intervals (half to 1.5 times the mean, so an observer cannot tie a rebroadcast
 * to a wallet by its rhythm) the wallet offers its unconfirmed txs to the mempool again and the
 * node hands those the mempool holds to every peer over txs/1.
 */
import type { Logger } from '../util/logger.js';
import type { Transaction } from '../primitives/transaction.js';

export interface RebroadcastOptions {
  /** Mean milliseconds between rebroadcasts; 0: never. */
  meanMs: number;
}

export interface RebroadcastModules {
  wallet: { rebroadcast(): Promise<Transaction[]> };
  /** Hands raw txs to the peers (P2PNode.relay). */
  relay(txs: Uint8Array[]): Promise<void>;
  logger: Logger;
  /** A number in [0, 1); injectable for tests. */
  random?: () => number;
}

export class WalletRebroadcaster {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly options: RebroadcastOptions,
    private readonly modules: RebroadcastModules,
  ) {}

  start(): void {
    if (this.options.meanMs <= 0 || !this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops the timer and waits for a rebroadcast under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One rebroadcast now; resolves to how many txs went to the peers. */
  async once(): Promise<number> {
    const txs = await this.modules.wallet.rebroadcast();
    if (txs.length === 0) return 0;
    await this.modules.relay(txs.map((tx) => tx.encode()));
    this.modules.logger.info({ txs: txs.length }, 'rebroadcast unconfirmed wallet transactions');
    return txs.length;
  }

  private schedule(): void {
    const random = this.modules.random ?? Math.random;
    const delay = this.options.meanMs * (0.5 + random());
    this.timer = setTimeout(() => {
      this.running = this.once()
        .then(() => undefined)
        .catch((err) => this.modules.logger.warn({ err: String(err) }, 'wallet rebroadcast failed'))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, delay);
    this.timer.unref();
  }
}
