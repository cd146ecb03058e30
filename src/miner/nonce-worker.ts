/**
 * Worker-thread entry of NoncePool (nonce-pool.ts): searches the chunks it is sent, in slices,
 * and gives a chunk up when the shared control word says its job is no longer wanted.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ChunkReply, type ChunkRequest, type NonceWorkerData, SLICE_NONCES } from './nonce-protocol.js';
import { PreparedSearch } from './search.js';

if (parentPort === null) throw new Error('nonce-worker must run as a worker thread');
const port = parentPort;
const control = new Int32Array((workerData as NonceWorkerData).control);

/** The last job's prepared search: consecutive chunks of one job share its midstate. */
let current: { jobId: number; search: PreparedSearch } | undefined;

function searchChunk(request: ChunkRequest): ChunkReply {
  const began = performance.now();
  if (current?.jobId !== request.jobId) current = { jobId: request.jobId, search: new PreparedSearch(request.header, request.target, request.impl) };
  let hashes = 0;
  for (let start = request.start; start < request.end; start += SLICE_NONCES) {
    if (Atomics.load(control, 0) !== request.jobId) return { jobId: request.jobId, nonce: undefined, hashes, ms: performance.now() - began, aborted: true };
    const result = current.search.search(start, Math.min(start + SLICE_NONCES, request.end));
    hashes += result.hashes;
    if (result.nonce !== undefined) return { jobId: request.jobId, nonce: result.nonce, hashes, ms: performance.now() - began, aborted: false };
  }
  return { jobId: request.jobId, nonce: undefined, hashes, ms: performance.now() - began, aborted: false };
}

port.on('message', (request: ChunkRequest) => port.postMessage(searchChunk(request)));
