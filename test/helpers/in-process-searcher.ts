/**
 * A real nonce search in the test process: double SHA-256 (node:crypto) over the header for
 * each nonce in the range, comparing the little-endian hash with the target. Chunks yield to the
 * event loop so cancel() (from a tipChanged listener) takes effect mid-job, as with the worker pool.
 * `hold()` parks the next job before it hashes, so a test can change the tip while it is running.
 */
import { createHash } from 'node:crypto';
import type { Hashrate, NonceJob, NonceResult, NonceSearcher } from '../../src/miner/interfaces.js';

const CHUNK = 256;

function sha256d(data: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}

function hashValue(hash: Buffer): bigint {
  return BigInt(`0x${Buffer.from(hash).reverse().toString('hex')}`);
}

export class InProcessSearcher implements NonceSearcher {
  readonly jobs: NonceJob[] = [];
  /** Jobs that ended because cancel() arrived while they ran. */
  cancelledJobs = 0;
  /** cancel() calls made while no job ran. */
  idleCancels = 0;
  closed = false;
  private running: { cancelled: boolean; wake?: () => void } | undefined;
  private holdNext = false;
  private hashes = 0;
  private readonly started = performance.now();
  private parked: (() => void) | undefined;
  private onParked: (() => void) | undefined;

  async mine(job: NonceJob): Promise<NonceResult> {
    if (this.running) throw new Error('InProcessSearcher runs one job at a time');
    this.jobs.push(job);
    const state: { cancelled: boolean; wake?: () => void } = { cancelled: false };
    this.running = state;
    try {
      if (this.holdNext) {
        this.holdNext = false;
        // A parked job keeps the process alive, as busy worker threads would.
        const keepAlive = setInterval(() => {}, 1000);
        await new Promise<void>((resolve) => {
          state.wake = resolve;
          this.parked = resolve;
          this.onParked?.();
        }).finally(() => clearInterval(keepAlive));
      }
      return await this.search(job, state);
    } finally {
      this.running = undefined;
      this.parked = undefined;
    }
  }

  cancel(): void {
    if (!this.running) {
      this.idleCancels++;
      return;
    }
    this.running.cancelled = true;
    this.running.wake?.();
  }

  /** The next job waits (a job in flight, as far as the miner can tell) until cancelled or released. */
  hold(): Promise<void> {
    this.holdNext = true;
    return new Promise((resolve) => {
      this.onParked = () => {
        this.onParked = undefined;
        resolve();
      };
    });
  }

  release(): void {
    this.parked?.();
  }

  hashrate(): Hashrate {
    const seconds = (performance.now() - this.started) / 1000;
    const total = seconds > 0 ? this.hashes / seconds : 0;
    return { total, perThread: [total] };
  }

  async close(): Promise<void> {
    this.cancel();
    this.closed = true;
  }

  private async search(job: NonceJob, state: { cancelled: boolean }): Promise<NonceResult> {
    const header = Buffer.from(job.header);
    const end = job.endNonce ?? 2 ** 32;
    for (let nonce = job.startNonce ?? 0; nonce < end; ) {
      if (state.cancelled) {
        this.cancelledJobs++;
        return { cancelled: true };
      }
      const chunkEnd = Math.min(end, nonce + CHUNK);
      for (; nonce < chunkEnd; nonce++) {
        header.writeUInt32LE(nonce, 76);
        const hash = sha256d(header);
        this.hashes++;
        if (hashValue(hash) <= job.target) return { nonce, hash: Buffer.from(hash).reverse().toString('hex') };
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { exhausted: true };
  }
}
