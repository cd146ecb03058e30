/**
 * A worker_threads pool that mines one job at a time. The nonce range is cut into chunks that
 * idle workers pull, so fast and slow threads share the work and a new job starts everywhere
 * within one slice (nonce-protocol.ts). Workers are unref'd while idle so a CLI can exit.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { hashToHex } from '../primitives/bytes.js';
import { sha256d } from '../primitives/hash.js';
import { type ChunkReply, type ChunkRequest, type NonceWorkerData } from './nonce-protocol.js';
import { spawnNonceWorker } from './nonce-worker-spawn.js';
import { type SearchImpl, bestSearchImpl } from './search.js';
import { hashValue } from './sha256-js.js';

export interface NoncePoolOptions {
  /** Worker threads; default one per core. */
  threads: number;
  /** Nonces a worker pulls at a time: about 50 ms of hashing with the WASM loop. */
  chunkSize: number;
  /** Hash loop the workers run; default the best this runtime has. */
  impl: SearchImpl;
  /** Span of the hash-rate window, in milliseconds. */
  hashrateWindowMs: number;
}

export function defaultNoncePoolOptions(): NoncePoolOptions {
  return { threads: availableParallelism(), chunkSize: 1 << 18, impl: bestSearchImpl(), hashrateWindowMs: 5000 };
}

export interface MineJob {
  /** 80 serialized header bytes; the nonce field is ignored. */
  header: Uint8Array;
  target: bigint;
  /** First nonce to try; default 0. */
  startNonce?: number;
  /** Exclusive end of the range; default 2^32. */
  endNonce?: number;
}

/** A solving nonce and the block hash it gives (display order), or why there is none. */
export type MineResult = { nonce: number; hash: string } | { exhausted: true } | { cancelled: true };

export interface Hashrate {
  /** Hashes per second, all threads. */
  total: number;
  /** Hashes per second of each thread while it was hashing, over the window. */
  perThread: number[];
}

interface Sample {
  at: number;
  hashes: number;
  ms: number;
}

interface Slot {
  worker: Worker;
  /** Id of the job of the chunk it is working on, or undefined when idle. */
  busyWith: number | undefined;
  samples: Sample[];
}

interface ActiveJob {
  id: number;
  header: Uint8Array;
  target: bigint;
  next: number;
  end: number;
  outstanding: number;
  resolve(result: MineResult): void;
  reject(error: Error): void;
}

export class NoncePool {
  readonly options: NoncePoolOptions;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly slots: Slot[] = [];
  private active: ActiveJob | undefined;
  private lastJobId = 0;
  private closing: Promise<void> | undefined;
  private totalHashes = 0;

  constructor(options: Partial<NoncePoolOptions> = {}) {
    this.options = { ...defaultNoncePoolOptions(), ...options };
    const { threads, chunkSize } = this.options;
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    for (let i = 0; i < threads; i++) this.slots.push(this.startSlot(i));
  }

  get threads(): number {
    return this.slots.length;
  }

  /** Hashes done by all workers since the pool started. */
  get hashes(): number {
    return this.totalHashes;
  }

  /**
   * Searches the job's range for a nonce whose hash is at most the target. Any solving nonce
   * may be returned (not necessarily the lowest). A pending mine() is cancelled first.
   */
  mine(job: MineJob): Promise<MineResult> {
    if (this.closing) return Promise.reject(new Error('the nonce pool is closed'));
    const start = job.startNonce ?? 0;
    const end = job.endNonce ?? 2 ** 32;
    if (job.header.length !== 80) return Promise.reject(new RangeError(`a header has 80 bytes, got ${job.header.length}`));
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > 2 ** 32 || start > end) {
      return Promise.reject(new RangeError(`bad nonce range [${start}, ${end})`));
    }
    this.cancel();
    const id = ++this.lastJobId;
    Atomics.store(this.control, 0, id);
    return new Promise<MineResult>((resolve, reject) => {
      this.active = { id, header: job.header.slice(), target: job.target, next: start, end, outstanding: 0, resolve, reject };
      for (const slot of this.slots) if (slot.busyWith === undefined) this.dispatch(slot);
      this.settleIfExhausted();
    });
  }

  /** Makes the pending mine() resolve `{ cancelled: true }`; workers drop its chunks within a slice. */
  cancel(): void {
    const job = this.active;
    if (!job) return;
    this.active = undefined;
    Atomics.store(this.control, 0, 0);
    job.resolve({ cancelled: true });
  }

  hashrate(now: number = performance.now()): Hashrate {
    const since = now - this.options.hashrateWindowMs;
    const perThread = this.slots.map((slot) => {
      slot.samples = slot.samples.filter((sample) => sample.at >= since);
      let hashes = 0;
      let ms = 0;
      for (const sample of slot.samples) {
        hashes += sample.hashes;
        ms += sample.ms;
      }
      return ms > 0 ? (hashes * 1000) / ms : 0;
    });
    return { total: perThread.reduce((sum, rate) => sum + rate, 0), perThread };
  }

  /** Cancels any pending mine() and terminates the workers. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.cancel();
      // Node (20.x) does not always count a terminating worker as keeping the event loop alive,
      // so a process awaiting close() could exit with it pending: hold a timer until they exit.
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
      } finally {
        clearInterval(keepAlive);
      }
    })();
    return this.closing;
  }

  private startSlot(index: number): Slot {
    const data: NonceWorkerData = { control: this.control.buffer as SharedArrayBuffer };
    const slot: Slot = { worker: spawnNonceWorker(data), busyWith: undefined, samples: [] };
    slot.worker.unref();
    slot.worker.on('message', (reply: ChunkReply) => this.onReply(slot, reply));
    slot.worker.on('error', (error: Error) => this.onWorkerFailure(index, slot, error));
    slot.worker.on('exit', (code) => {
      if (!this.closing) this.onWorkerFailure(index, slot, new Error(`nonce worker exited with code ${code}`));
    });
    return slot;
  }

  /** A worker died: the pending job fails (it cannot know what the lost chunk held) and the worker is replaced. */
  private onWorkerFailure(index: number, slot: Slot, error: Error): void {
    if (this.slots[index] !== slot || this.closing) return;
    void slot.worker.terminate();
    this.slots[index] = this.startSlot(index);
    const job = this.active;
    if (job) {
      this.active = undefined;
      Atomics.store(this.control, 0, 0);
      job.reject(new Error(`nonce worker failed: ${error.message}`));
    }
  }

  private dispatch(slot: Slot): void {
    const job = this.active;
    if (!job || job.next >= job.end) {
      slot.busyWith = undefined;
      slot.worker.unref();
      return;
    }
    const start = job.next;
    const end = Math.min(job.end, start + this.options.chunkSize);
    job.next = end;
    job.outstanding++;
    slot.busyWith = job.id;
    slot.worker.ref(); // a running search keeps the process alive
    const request: ChunkRequest = { jobId: job.id, header: job.header, target: job.target, impl: this.options.impl, start, end };
    slot.worker.postMessage(request);
  }

  private onReply(slot: Slot, reply: ChunkReply): void {
    slot.busyWith = undefined;
    this.totalHashes += reply.hashes;
    if (reply.ms > 0) slot.samples.push({ at: performance.now(), hashes: reply.hashes, ms: reply.ms });
    const job = this.active;
    if (job && reply.jobId === job.id) {
      job.outstanding--;
      if (reply.nonce !== undefined) this.solved(job, reply.nonce);
    }
    this.dispatch(slot);
    this.settleIfExhausted();
  }

  private solved(job: ActiveJob, nonce: number): void {
    this.active = undefined;
    Atomics.store(this.control, 0, 0);
    const header = job.header.slice();
    new DataView(header.buffer).setUint32(76, nonce, true);
    const hash = sha256d(header);
    // A worker's answer is checked here, once, with an independent SHA-256.
    if (hashValue(hash) > job.target) job.reject(new Error(`nonce worker returned nonce ${nonce}, whose hash is above the target`));
    else job.resolve({ nonce, hash: hashToHex(hash) });
  }

  private settleIfExhausted(): void {
    const job = this.active;
    if (job && job.next >= job.end && job.outstanding === 0) {
      this.active = undefined;
      job.resolve({ exhausted: true });
    }
  }
}
