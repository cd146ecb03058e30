/** A compiled node in its own process, for the CLI and startup benches: spawn, time the first answer, stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCookie } from '../src/rpc/auth.js';
import { RpcClient } from '../src/rpc/client.js';
import { freePort } from '../test/node/daemon.js';

export interface SpawnedNode {
  proc: ChildProcess;
  rpcPort: number;
  datadir: string;
  networkDir: string;
  /** Milliseconds from spawn to the first getblockcount answered with a result (not -28). */
  firstAnswerMs: number;
  client(): RpcClient;
  stop(): Promise<void>;
}

export async function spawnNode(bin: string, datadir: string, extra: string[] = []): Promise<SpawnedNode> {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const networkDir = join(datadir, 'regtest');
  const args = [bin, 'node', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(rpcPort), '--p2p-port', String(p2pPort), '--p2p-bind', '127.0.0.1', '--log-level', 'warn', ...extra];
  const started = performance.now();
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const client = () => new RpcClient({ url: `http://127.0.0.1:${rpcPort}/`, credentials: readCookie(networkDir), timeoutMs: 600_000 });
  let firstAnswerMs = 0;
  // Polls every 5 ms: the figure is the node's, not the poll's.
  for (const until = Date.now() + 600_000; !gone && Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (!existsSync(join(networkDir, '.cookie'))) continue;
    try {
      await client().call('getblockcount');
      firstAnswerMs = performance.now() - started;
      break;
    } catch {
      // not listening yet, or -28 while loading
    }
  }
  if (!firstAnswerMs) throw new Error('the node did not answer');
  return {
    proc,
    rpcPort,
    datadir,
    networkDir,
    firstAnswerMs,
    client,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
