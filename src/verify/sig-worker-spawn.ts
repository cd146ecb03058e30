import type { Worker } from 'node:worker_threads';
import { siblingModuleUrl, spawnModuleWorker, workerExecArgv } from '../util/worker-spawn.js';

export { workerExecArgv };

/** Thread name, shown in inspectors and heap snapshots. */
const WORKER_NAME = 'powcoin-sig-verifier';

/** sig-worker beside this module (.ts under tsx, .js in dist/). */
export function signatureWorkerUrl(): URL {
  return siblingModuleUrl(import.meta.url, 'sig-worker');
}

/** Starts one sig-worker thread, from dist/ or from the sources under tsx. */
export function spawnSignatureWorker(): Worker {
  return spawnModuleWorker(signatureWorkerUrl(), { name: WORKER_NAME });
}
