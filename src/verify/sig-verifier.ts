import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { type SignatureCheck, verifySignatureCheck } from '../consensus/p2wpkh.js';
import { type ChunkRequest, type ChunkResult, packChecks } from './sig-packing.js';
import { spawnSignatureWorker } from './sig-worker-spawn.js';

/** Verifies the ECDSA checks of a block or transaction, in whatever thread it likes. */
export interface SignatureVerifier {
  /** Resolves to the index of the first check that fails, or -1 when all pass. */
  verifyAll(checks: readonly SignatureCheck[]): Promise<number>;
  close(): Promise<void>;
}

export type SignatureVerifierErrorCode = 'closed' | 'worker-failed';

/** The verifier could not give an answer; says nothing about the signatures themselves. */
export class SignatureVerifierError extends Error {
  override readonly name = 'SignatureVerifierError';

  constructor(
    readonly code: SignatureVerifierErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function closedError(): SignatureVerifierError {
  return new SignatureVerifierError('closed', 'the signature verifier is closed');
}

/** Index of the first check of `checks` that fails, or -1, on this thread. */
export function firstFailingCheck(checks: readonly SignatureCheck[]): number {
  for (let i = 0; i < checks.length; i++) {
    if (!verifySignatureCheck(checks[i])) return i;
  }
  return -1;
}

/** Verifies on the calling thread: for tiny batches, single-core hosts, and as the reference. */
export class InlineVerifier implements SignatureVerifier {
  private closed = false;

  async verifyAll(checks: readonly SignatureCheck[]): Promise<number> {
    if (this.closed) throw closedError();
    return firstFailingCheck(checks);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

// Shared with the mempool, so it lives in consensus; re-exported for the chain's users.
export { verifyWithCache } from '../consensus/verify-with-cache.js';

export interface WorkerPoolOptions {
  /**
   * Worker threads to run; default: one per core. The main thread only waits: on 2 cores,
   * 1 worker + main thread measured no faster than 2 workers and would stall the event loop.
   */
  threads: number;
  /**
   * Batches smaller than this are verified inline. Measured (bench `sigs`, 2 cores): a worker
   * round trip costs ~0.1 ms against ~0.35 ms per verify, so 2 workers already win at 4 checks.
   * 16 is chosen for what latency alone misses: a mempool tx (a few inputs) is answered at once
   * instead of queueing behind a block's chunks, and inline it stalls the caller ≤ ~5 ms.
   */
  minBatchForWorkers: number;
}

export function defaultWorkerPoolOptions(): WorkerPoolOptions {
  return { threads: availableParallelism(), minBatchForWorkers: 16 };
}

/** Injected so tests can reach the real workers (to crash one); the default spawns sig-worker. */
export interface WorkerPoolModules {
  createWorker(): Worker;
}

/** One verifyAll call on its way through the pool. */
interface Batch {
  /** Chunks queued or running whose answer is still needed. */
  readonly outstanding: Set<Chunk>;
  /** Smallest failing index found so far (global), or Infinity. */
  firstFailure: number;
  settled: boolean;
  readonly resolve: (failed: number) => void;
  readonly reject: (error: Error) => void;
}

interface Chunk {
  readonly batch: Batch;
  /** Index in the batch of the chunk's first check. */
  readonly start: number;
  readonly count: number;
  readonly buffer: ArrayBuffer;
}

interface PoolWorker {
  readonly worker: Worker;
  chunk: Chunk | undefined;
}

/**
 * Spreads a batch over worker threads: one chunk per thread, each packed into one transferred
 * buffer. Workers start on the first big batch and stay; they are unref'd while idle so a
 * process that never calls close() still exits. Concurrent calls share the workers through one
 * FIFO queue of chunks and each get their own answer. A worker that dies or misbehaves rejects
 * the call it was serving with SignatureVerifierError('worker-failed') and is replaced when
 * work next arrives.
 */
export class WorkerPoolVerifier implements SignatureVerifier {
  private readonly options: WorkerPoolOptions;
  private readonly modules: WorkerPoolModules;
  private readonly workers: PoolWorker[] = [];
  private queue: Chunk[] = [];
  private readonly pending = new Set<Batch>();
  private closing: Promise<void> | undefined;

  constructor(options: Partial<WorkerPoolOptions> = {}, modules: Partial<WorkerPoolModules> = {}) {
    this.options = { ...defaultWorkerPoolOptions(), ...options };
    const { threads, minBatchForWorkers } = this.options;
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    if (!Number.isInteger(minBatchForWorkers) || minBatchForWorkers < 0) throw new RangeError(`minBatchForWorkers must be a non-negative integer, got ${minBatchForWorkers}`);
    this.modules = { createWorker: spawnSignatureWorker, ...modules };
  }

  verifyAll(checks: readonly SignatureCheck[]): Promise<number> {
    if (this.closing !== undefined) return Promise.reject(closedError());
    if (checks.length === 0 || checks.length < this.options.minBatchForWorkers) return Promise.resolve(firstFailingCheck(checks));
    return new Promise((resolve, reject) => {
      const batch: Batch = { outstanding: new Set(), firstFailure: Infinity, settled: false, resolve, reject };
      this.pending.add(batch);
      const size = Math.ceil(checks.length / this.options.threads);
      for (let start = 0; start < checks.length; start += size) {
        const end = Math.min(start + size, checks.length);
        const chunk: Chunk = { batch, start, count: end - start, buffer: packChecks(checks, start, end) };
        batch.outstanding.add(chunk);
        this.queue.push(chunk);
      }
      this.dispatch();
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const slots = this.workers.splice(0);
    for (const batch of [...this.pending]) this.settle(batch, () => batch.reject(closedError()));
    // Node (20.x) does not always count a terminating worker as keeping the event loop alive,
    // so a process awaiting close() could exit with it pending: hold a timer until they exit.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Hands queued chunks to idle workers, starting workers up to `threads` as needed. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.workers.find((candidate) => candidate.chunk === undefined) ?? this.spawnIfRoom();
      if (slot === undefined) return;
      const chunk = this.queue.shift()!;
      slot.chunk = chunk;
      slot.worker.ref(); // a pending call must keep the process alive
      const request: ChunkRequest = { buffer: chunk.buffer };
      slot.worker.postMessage(request, [chunk.buffer]);
    }
  }

  private spawnIfRoom(): PoolWorker | undefined {
    if (this.workers.length >= this.options.threads) return undefined;
    const slot: PoolWorker = { worker: this.modules.createWorker(), chunk: undefined };
    slot.worker.on('message', (message: unknown) => this.onMessage(slot, message));
    slot.worker.on('error', (error: Error) => this.onFailure(slot, `signature worker failed: ${error.message}`, error));
    slot.worker.on('messageerror', (error: Error) => this.onFailure(slot, `signature worker reply could not be read: ${error.message}`, error));
    slot.worker.on('exit', (code: number) => this.onFailure(slot, `signature worker exited with code ${code}`));
    this.workers.push(slot);
    return slot;
  }

  private onMessage(slot: PoolWorker, message: unknown): void {
    const chunk = slot.chunk;
    const failed = (message as Partial<ChunkResult> | null)?.failed;
    if (chunk === undefined || typeof failed !== 'number' || !Number.isInteger(failed) || failed < -1 || failed >= chunk.count) {
      this.onFailure(slot, 'signature worker sent an unexpected reply');
      return;
    }
    slot.chunk = undefined;
    slot.worker.unref();
    this.finishChunk(chunk, failed);
    this.dispatch();
  }

  private finishChunk(chunk: Chunk, failedInChunk: number): void {
    const batch = chunk.batch;
    batch.outstanding.delete(chunk);
    if (batch.settled) return;
    if (failedInChunk >= 0) batch.firstFailure = Math.min(batch.firstFailure, chunk.start + failedInChunk);
    // Chunks after a known failure cannot lower the answer, so they are not waited for.
    for (const other of batch.outstanding) {
      if (other.start < batch.firstFailure) return;
    }
    const answer = batch.firstFailure === Infinity ? -1 : batch.firstFailure;
    this.settle(batch, () => batch.resolve(answer));
  }

  /** Settles a batch once, dropping its queued chunks; its running chunks finish and are ignored. */
  private settle(batch: Batch, settle: () => void): void {
    if (batch.settled) return;
    batch.settled = true;
    this.pending.delete(batch);
    this.queue = this.queue.filter((chunk) => chunk.batch !== batch);
    settle();
  }

  /** A worker that errs, exits or talks nonsense is dropped, and takes its call down with it. */
  private onFailure(slot: PoolWorker, message: string, cause?: Error): void {
    const index = this.workers.indexOf(slot);
    if (index < 0) return; // already handled: 'error' is followed by 'exit', and close() drops all
    this.workers.splice(index, 1);
    // Usually already exiting; terminate() makes sure, and its outcome no longer matters.
    slot.worker.terminate().catch(() => undefined);
    const chunk = slot.chunk;
    if (chunk !== undefined) {
      const error = new SignatureVerifierError('worker-failed', message, cause === undefined ? undefined : { cause });
      this.settle(chunk.batch, () => chunk.batch.reject(error));
    }
    this.dispatch(); // other calls' chunks may be waiting: a replacement starts for them
  }
}
