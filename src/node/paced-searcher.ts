/**
 * A NonceSearcher that hands out solutions no faster than one per `intervalSeconds`. On regtest
 * a block takes two hashes, so an unpaced miner would write hundreds of blocks a second; paced,
 * `npm start` shows a steady chain. A cancel (new tip, stop) during the pause ends it at once.
 */
import type { Hashrate, NonceJob, NonceResult, NonceSearcher } from '../miner/interfaces.js';

export class PacedSearcher implements NonceSearcher {
  private lastSolution = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly inner: NonceSearcher,
    private readonly intervalSeconds: number,
  ) {}

  async mine(job: NonceJob): Promise<NonceResult> {
    const result = await this.inner.mine(job);
    if (!('nonce' in result)) return result;
    const wait = this.lastSolution + this.intervalSeconds * 1000 - Date.now();
    if (wait > 0 && !(await this.pause(wait))) return { cancelled: true };
    this.lastSolution = Date.now();
    return result;
  }

  cancel(): void {
    this.inner.cancel();
    this.wake?.();
  }

  hashrate(): Hashrate {
    return this.inner.hashrate();
  }

  close(): Promise<void> {
    this.wake?.();
    return this.inner.close();
  }

  /** Resolves true when the pause ran out, false when cancelled. */
  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(true);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(false);
      };
    });
  }
}
