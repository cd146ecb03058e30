import { Worker } from 'node:worker_threads';

/**
 * Flags that describe how the parent's own entry was given (`node --input-type=module -e ...`).
 * A worker inherits execArgv, and with `--input-type` a worker started from a file dies with
 * ERR_INPUT_TYPE_NOT_ALLOWED; the eval'd code is not the worker's to run either.
 */
const ENTRY_FLAGS = new Set(['--input-type', '-e', '--eval', '-p', '--print', '-pe']);

/** The parent's execArgv without its entry flags (each as `--flag=value` or `--flag value`). */
export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i];
    const equals = arg.indexOf('=');
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    if (!ENTRY_FLAGS.has(flag)) kept.push(arg);
    else if (equals < 0) i++; // skip its value, the next argument
  }
  return kept;
}

/**
 * The module `name` beside `moduleUrl`, with that module's own extension: `.js` when running the
 * compiled dist/, `.ts` when running the sources under tsx. (The pathname, not the href, is
 * tested: a loader may append a query string.)
 */
export function siblingModuleUrl(moduleUrl: string, name: string): URL {
  const extension = new URL(moduleUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, moduleUrl);
}

/**
 * Starts a worker thread running the module at `url`. Compiled JS starts directly. TypeScript
 * sources cannot: a worker inherits `--import tsx` in its execArgv, but tsx only installs its
 * hooks on the main thread before Node 22.22 / 24.11 (so Node 20 fails with
 * ERR_UNKNOWN_FILE_EXTENSION). A two-line bootstrap therefore loads the worker through tsx's own
 * API, which works whether or not the global hooks are active. tsx is resolved only on this
 * path, so dist/ never needs it.
 */
export function spawnModuleWorker(url: URL, options: { name: string; workerData?: unknown }): Worker {
  const settings = { ...options, execArgv: workerExecArgv() };
  if (!url.pathname.endsWith('.ts')) return new Worker(url, settings);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}));`;
  return new Worker(bootstrap, { ...settings, eval: true });
}
