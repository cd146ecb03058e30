/**
 * Worker-thread entry of WorkerPoolVerifier (sig-verifier.ts). Each message is one chunk of
 * packed checks (sig-packing.ts); the reply is the index of the first check in the chunk that
 * fails, or -1. A message of any other shape is a bug in the pool, so the worker throws: the pool
 * sees the error, rejects the pending call and replaces this worker.
 */
import { parentPort } from 'node:worker_threads';
import { verifySignatureCheck } from '../consensus/p2wpkh.js';
import { type ChunkRequest, type ChunkResult, packedCount, unpackCheck } from './sig-packing.js';

export class SignatureWorkerProtocolError extends Error {
  override readonly name = 'SignatureWorkerProtocolError';
}

function firstFailure(buffer: ArrayBuffer): number {
  const count = packedCount(buffer);
  if (count < 0) throw new SignatureWorkerProtocolError(`a packed chunk of ${buffer.byteLength} bytes is not whole records`);
  for (let i = 0; i < count; i++) {
    if (!verifySignatureCheck(unpackCheck(buffer, i))) return i;
  }
  return -1;
}

function handle(message: unknown): ChunkResult {
  const buffer = (message as Partial<ChunkRequest> | null)?.buffer;
  if (!(buffer instanceof ArrayBuffer)) throw new SignatureWorkerProtocolError('expected { buffer: ArrayBuffer }');
  return { failed: firstFailure(buffer) };
}

if (parentPort === null) throw new SignatureWorkerProtocolError('sig-worker must run as a worker thread');
const port = parentPort;
port.on('message', (message: unknown) => port.postMessage(handle(message)));
