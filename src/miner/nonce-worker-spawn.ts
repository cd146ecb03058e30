/**
 * Starts nonce-worker threads, from compiled dist/ or from the TypeScript sources under tsx.
 * This mirrors src/chain/sig-worker-spawn.ts (miner/ may not import chain/, and the mechanism is
 * a dozen lines): a worker inherits `--import tsx`, but before Node 22.22 tsx installs its hooks
 * on the main thread only, so a .ts worker is loaded through tsx's own `tsImport` API instead.
 */
import { Worker } from 'node:worker_threads';
import type { NonceWorkerData } from './nonce-protocol.js';

const WORKER_NAME = 'powcoin-nonce-search';

/**
 * Flags naming the parent's own entry (`node -e ...`, `--input-type`): a worker started from a
 * file dies with ERR_INPUT_TYPE_NOT_ALLOWED if it inherits `--input-type`.
 */
const ENTRY_FLAGS = new Set(['--input-type', '-e', '--eval', '-p', '--print', '-pe']);

function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i];
    const equals = arg.indexOf('=');
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    if (!ENTRY_FLAGS.has(flag)) kept.push(arg);
    else if (equals < 0) i++; // its value is the next argument
  }
  return kept;
}

/** nonce-worker beside this module, with this module's extension (.ts under tsx, .js in dist/). */
export function nonceWorkerUrl(): URL {
  const extension = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./nonce-worker${extension}`, import.meta.url);
}

export function spawnNonceWorker(workerData: NonceWorkerData): Worker {
  const url = nonceWorkerUrl();
  const options = { name: WORKER_NAME, execArgv: workerExecArgv(), workerData };
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}));`;
  return new Worker(bootstrap, { ...options, eval: true });
}
