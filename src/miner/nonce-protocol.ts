/**
 * Messages between the nonce pool (nonce-pool.ts) and its workers (nonce-worker.ts), and the
 * shared control word that lets the pool stop a worker in the middle of a chunk.
 */
import type { SearchImpl } from './search.js';

/** What a worker is given at start (Worker `workerData`). */
export interface NonceWorkerData {
  /**
   * One Int32 holding the id of the job the pool wants worked on. A worker checks it between
   * slices of a chunk and gives the chunk up as soon as it no longer names the chunk's job, so a
   * cancel or a new tip takes effect within a slice (about 3 ms), not a whole chunk.
   */
  control: SharedArrayBuffer;
}

/** Search [start, end) of a job; the header and target are resent with every chunk (88 bytes). */
export interface ChunkRequest {
  jobId: number;
  header: Uint8Array;
  target: bigint;
  impl: SearchImpl;
  start: number;
  end: number;
}

export interface ChunkReply {
  jobId: number;
  /** The lowest solving nonce of the part searched, if any. */
  nonce: number | undefined;
  /** Nonces hashed, including a partly searched chunk's. */
  hashes: number;
  /** Time spent hashing, in milliseconds. */
  ms: number;
  /** True when the chunk was given up because the job was cancelled or replaced. */
  aborted: boolean;
}

/** Nonces a worker searches between two looks at the control word. */
export const SLICE_NONCES = 1 << 14;
