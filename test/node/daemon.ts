/** The real daemon as a child process, and the real `powcoin rpc` command, for end-to-end tests. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readCookie } from '../../src/rpc/auth.js';
import { RpcClient } from '../../src/rpc/client.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/**
 * Every daemon this test process started and that still runs: killed when the test process
 * exits, so a suite cancelled mid-start (its ceiling hit) leaves no node behind.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Daemon {
  proc: ChildProcess;
  rpcPort: number;
  datadir: string;
  networkDir: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  client(): RpcClient;
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

export interface DaemonSpawnOptions {
  /** Start the daemon under this umask (octal text, e.g. '000'), through `sh -c 'umask …; exec …'`. */
  umask?: string;
  /** A built command (bin/powcoin of test/helpers/built-package.ts) instead of the sources under tsx. */
  bin?: string;
}

/**
 * A free port is picked by binding port 0 and closing it; another process (another suite, a
 * helper's daemon) may take it before the daemon listens. Such a start is retried on new ports,
 * unless the test pinned its RPC port.
 */
export async function startDaemon(datadir: string, extra: string[] = [], spawnOptions: DaemonSpawnOptions = {}): Promise<Daemon> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDaemonOnce(datadir, extra, spawnOptions);
    } catch (err) {
      const portTaken = /EADDRINUSE/.test((err as Error).message) && !extra.includes('--rpc-port') && !extra.includes('--p2p-port');
      if (!portTaken || attempt === 3) throw err;
    }
  }
}

async function startDaemonOnce(datadir: string, extra: string[], spawnOptions: DaemonSpawnOptions): Promise<Daemon> {
  // A test may pin the RPC port (--rpc-port in extra, which comes last and wins), e.g. to restart on it.
  const pinned = extra.indexOf('--rpc-port');
  const rpcPort = pinned >= 0 ? Number(extra[pinned + 1]) : await freePort();
  const p2pPort = await freePort();
  const entry = spawnOptions.bin === undefined ? ['--import', 'tsx', MAIN] : [spawnOptions.bin];
  const args = [...entry, 'node', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(rpcPort), '--p2p-port', String(p2pPort), '--threads', '1', ...loopbackOnly(extra), ...extra];
  const [file, argv] = spawnOptions.umask === undefined ? [process.execPath, args] : ['/bin/sh', ['-c', `umask ${spawnOptions.umask}; exec "$0" "$@"`, process.execPath, ...args]];
  const proc = spawn(file, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  let log = '';
  proc.stdout!.on('data', (chunk) => (log += chunk));
  proc.stderr!.on('data', (chunk) => (log += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const networkDir = join(datadir, 'regtest');
  const daemon: Daemon = {
    proc,
    rpcPort,
    datadir,
    networkDir,
    exited,
    output: () => log,
    client: () => new RpcClient({ url: `http://127.0.0.1:${rpcPort}/`, credentials: readCookie(networkDir), timeoutMs: 60_000 }),
    call: (method, params = []) => daemon.client().call(method, params),
  };
  await waitReady(daemon);
  return daemon;
}

async function waitReady(daemon: Daemon): Promise<void> {
  // Generous: on a loaded machine tsx alone can take tens of seconds to start the daemon.
  const until = Date.now() + 120_000;
  let exited = false;
  void daemon.exited.then(() => (exited = true));
  while (Date.now() < until && !exited) {
    if (existsSync(join(daemon.networkDir, '.cookie'))) {
      try {
        await daemon.call('getblockcount');
        // The RPC answers once the chain is loaded; network methods wait until p2p is up too (the wallet opens before it).
        await daemon.call('getnetworkinfo');
        return;
      } catch {
        // warming up, or the cookie is from the previous run
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the daemon did not become ready:\n${daemon.output()}`);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `powcoin <args>` through the real CLI entry point. */
export function powcoin(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

export function rpcArgs(daemon: Daemon): string[] {
  return ['rpc', '--network', 'regtest', '--datadir', daemon.datadir, '--rpc-port', String(daemon.rpcPort)];
}

/** Tests stay on 127.0.0.0/8: p2p listens (and so announces) on loopback unless a test says otherwise. */
function loopbackOnly(extra: readonly string[]): string[] {
  return extra.includes('--p2p-bind') ? [] : ['--p2p-bind', '127.0.0.1'];
}
