import type { Worker } from 'node:worker_threads';
import { siblingModuleUrl, spawnModuleWorker } from '../util/worker-spawn.js';
import type { NonceWorkerData } from './nonce-protocol.js';

/** Thread name, shown in inspectors and heap snapshots. */
const WORKER_NAME = 'powcoin-nonce-search';

/** nonce-worker beside this module (.ts under tsx, .js in dist/). */
export function nonceWorkerUrl(): URL {
  return siblingModuleUrl(import.meta.url, 'nonce-worker');
}

/** Starts one nonce-worker thread, from dist/ or from the sources under tsx. */
export function spawnNonceWorker(workerData: NonceWorkerData): Worker {
  return spawnModuleWorker(nonceWorkerUrl(), { name: WORKER_NAME, workerData });
}
