/**
 * Drives `powcoin testnet` as a user would (the real CLI entry point through tsx) and reaches
 * the nodes it started over RPC with the credentials of its state file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcClient } from '../../src/rpc/client.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function powcoin(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

/** `powcoin testnet ...`; throws with the output unless it exits 0. */
export async function testnet(args: string[]): Promise<string> {
  const result = await powcoin(['testnet', ...args]);
  if (result.code !== 0) throw new Error(`powcoin testnet ${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

export interface StateNode {
  name: string;
  role: 'seed' | 'miner' | 'wallet';
  rpcPort: number;
  pid?: number;
  peerId?: string;
  datadir: string;
}

export interface State {
  dir: string;
  rpcUser: string;
  rpcPassword: string;
  nodes: StateNode[];
}

export function readTestnetState(dir: string): State {
  return JSON.parse(readFileSync(join(dir, 'testnet.json'), 'utf8')) as State;
}

export function clients(state: State): RpcClient[] {
  return state.nodes.map((node) => new RpcClient({ url: `http://127.0.0.1:${node.rpcPort}/`, credentials: { user: state.rpcUser, password: state.rpcPassword }, timeoutMs: 60_000 }));
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with `count` free ports above it, away from the defaults and the ephemeral range. */
export async function freeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 5_000);
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await portFree(port);
    if (free) return base;
  }
  throw new Error('no free ports');
}

/** A temp dir holding a regtest-based network definition; the testnet goes in `<it>/net`. */
export async function workspace(prefix: string, network: Record<string, unknown>): Promise<{ root: string; dir: string; networkConfig: string }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const networkConfig = join(root, 'network.json');
  writeFileSync(networkConfig, JSON.stringify(network));
  return { root, dir: join(root, 'net'), networkConfig };
}

export function pidAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** For after(): whatever a failed test left running is killed. */
export function killLeftovers(dir: string): void {
  if (!existsSync(join(dir, 'testnet.json'))) return;
  for (const node of readTestnetState(dir).nodes) {
    if (pidAlive(node.pid)) process.kill(node.pid!, 'SIGKILL');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, ms = 120_000, every = 200): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    await sleep(every);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/**
 * Waits until `remaining()` reaches 0, for work that shrinks step by step (a mempool draining):
 * it fails only once no step was made for `stallMs`, or after the overall ceiling, and says
 * what was left, so a loaded machine gets time while a stuck one is reported.
 */
export async function waitForDrain(what: string, remaining: () => Promise<{ left: number; detail: string }>, options: { stallMs: number; ceilingMs: number; every?: number }): Promise<void> {
  const started = Date.now();
  let best = Infinity;
  let progressAt = started;
  let last = { left: Infinity, detail: 'not measured yet' };
  for (;;) {
    last = await remaining();
    if (last.left === 0) return;
    if (last.left < best) {
      best = last.left;
      progressAt = Date.now();
    }
    const now = Date.now();
    if (now - progressAt > options.stallMs) throw new Error(`${what}: no progress for ${options.stallMs} ms; ${last.left} left (${last.detail})`);
    if (now - started > options.ceilingMs) throw new Error(`${what}: not done after ${options.ceilingMs} ms; ${last.left} left (${last.detail})`);
    await sleep(options.every ?? 500);
  }
}

/** Base units from an RPC amount (8 decimals, exact below 90 million coins). */
export function sats(amount: number): bigint {
  return BigInt(Math.round(amount * 1e8));
}

/** The main chain's txids, height by height, from 1 to `height`, as one node sees it; with coinbase values. */
export async function mainChain(client: RpcClient, height: number): Promise<{ hashes: string[]; txids: string[][]; coinbaseValues: bigint[] }> {
  const hashes: string[] = [];
  const txids: string[][] = [];
  const coinbaseValues: bigint[] = [];
  const BATCH = 25;
  for (let start = 1; start <= height; start += BATCH) {
    const heights = Array.from({ length: Math.min(BATCH, height - start + 1) }, (_, i) => start + i);
    const blocks = await Promise.all(
      heights.map(async (h) => {
        const hash = await client.call<string>('getblockhash', [h]);
        return client.call<{ hash: string; tx: Array<{ txid: string; vout: Array<{ value: number }> }> }>('getblock', [hash, 2]);
      }),
    );
    for (const block of blocks) {
      hashes.push(block.hash);
      txids.push(block.tx.map((tx) => tx.txid));
      coinbaseValues.push(block.tx[0].vout.reduce((sum, out) => sum + sats(out.value), 0n));
    }
  }
  return { hashes, txids, coinbaseValues };
}

/** How many times each txid occurs in the given blocks. */
export function occurrences(blocks: string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const txs of blocks) for (const txid of txs) counts.set(txid, (counts.get(txid) ?? 0) + 1);
  return counts;
}

export interface PacedSendOptions {
  /** Sends go round-robin over this many nodes, `rate` per second, for `seconds`. */
  nodes: number;
  rate: number;
  seconds: number;
  /** A node with this many sends unanswered skips its turn (counted, not queued). */
  maxInFlight: number;
  /** At most this many sends in all (default: no limit). */
  limit?: number;
}

export interface PacedSendResult {
  attempted: number;
  skipped: number;
  /** Sends each node accepted. */
  perNode: number[];
  /** Milliseconds per accepted send, sorted. */
  latencies: number[];
  /** Refusals by error message. */
  errors: Map<string, number>;
  startedAt: number;
  /** When the last send was answered. */
  endedAt: number;
}

/**
 * The load tests' sender: send `k` goes to node k % nodes at start + k / rate, unless that node
 * already has maxInFlight sends unanswered; `accepted` hears each txid a node returned.
 */
export async function pacedSends(
  options: PacedSendOptions,
  send: (k: number, node: number) => Promise<string>,
  accepted: (txid: string, node: number) => void,
): Promise<PacedSendResult> {
  const { nodes, rate, seconds, maxInFlight, limit = Infinity } = options;
  const inFlight = new Array<number>(nodes).fill(0);
  const perNode = new Array<number>(nodes).fill(0);
  const errors = new Map<string, number>();
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let attempted = 0;
  let skipped = 0;
  const interval = 1000 / rate;
  const startedAt = Date.now();
  for (let k = 0; Date.now() - startedAt < seconds * 1000 && k < limit; k++) {
    const wait = startedAt + k * interval - Date.now();
    if (wait > 0) await sleep(wait);
    const node = k % nodes;
    if (inFlight[node] >= maxInFlight) {
      skipped++;
      continue;
    }
    attempted++;
    inFlight[node]++;
    const began = Date.now();
    const sending = send(k, node)
      .then((txid) => {
        accepted(txid, node);
        perNode[node]++;
        latencies.push(Date.now() - began);
      })
      .catch((err: Error) => {
        errors.set(err.message, (errors.get(err.message) ?? 0) + 1);
      })
      .finally(() => {
        inFlight[node]--;
        pending.delete(sending);
      });
    pending.add(sending);
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return { attempted, skipped, perNode, latencies, errors, startedAt, endedAt: Date.now() };
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The report lines both load tests print after pacedSends: per node, latency (of `call`), refusals. */
export function sendReport(result: PacedSendResult, call: string, maxInFlight: number): string[] {
  const { perNode, latencies, errors, skipped } = result;
  return [
    `  per node accepted: ${perNode.map((n, i) => `node${i} ${n}`).join(', ')}; skipped at ${maxInFlight} in flight: ${skipped}`,
    `  ${call} latency: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1) ?? 0} ms`,
    `  refused: ${errors.size === 0 ? 'none' : [...errors].map(([message, n]) => `${n}x ${message}`).join('; ')}`,
  ];
}

/** `powcoin testnet up` on free ports (another base port when one turns out busy); answers its output. */
export async function upOnFreePorts(dir: string, ports: number, args: string[]): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const basePort = await freeBasePort(ports);
    const result = await powcoin(['testnet', 'up', '--dir', dir, ...args, '--base-port', String(basePort)]);
    if (result.code === 0) return result.stdout;
    if (!/already in use/.test(result.stderr)) throw new Error(`testnet up failed:\n${result.stdout}${result.stderr}`);
  }
  throw new Error('testnet up found no free ports in 3 attempts');
}
