/**
 * The compact relay bench with each node in its own worker thread, or its own process: the
 * nodes still share this machine's cores, but no longer one event loop, so a node forwarding a
 * compact block does not wait for nine other nodes' block connects to finish first, as it would
 * not on users' separate machines. A process per node also gives each node its own libuv thread
 * pool (LevelDB's reads and writes run there; ten nodes in threads share one pool of four).
 * Same network, block and figures as bench/compact.ts, which keeps the one-process form.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { Transaction } from '../src/primitives/index.js';
import { siblingModuleUrl, spawnModuleWorker } from '../src/util/worker-spawn.js';
import { type Fixture, fixture, LINKS, networkSets, NODES, RelayRecord } from './compact.js';
import type { Figure } from './measure.js';

interface NodeStats {
  sent: number;
  txsFetched: number;
  fullBlocks: number;
}

/** Where each node runs. */
export type NodeForm = 'thread' | 'process';

/** The two ends a node is driven through: a worker thread or a child process (IPC, structured clone). */
interface Channel {
  send(message: unknown): void;
  onMessage(listener: (message: Reply) => void): void;
  onError(listener: (err: Error) => void): void;
  terminate(): Promise<unknown>;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

function workerChannel(worker: Worker): Channel {
  return {
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => worker.on('error', listener),
    terminate: () => worker.terminate(),
  };
}

function spawnChannel(form: NodeForm, index: number): Channel {
  const url = siblingModuleUrl(import.meta.url, 'compact-node-worker');
  if (form === 'thread') return workerChannel(spawnModuleWorker(url, { name: `compact-node-${index}` }));
  const child = fork(fileURLToPath(url), [], { execArgv: process.execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    send: (message) => child.send(message as never),
    onMessage: (listener) => child.on('message', listener as never),
    onError: (listener) => child.on('error', listener),
    terminate: async () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

/** A node in a worker thread or a process, driven by request and reply. */
class NodeHandle {
  private next = 0;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  address = '';
  peerId = '';

  constructor(private readonly channel: Channel) {
    channel.onMessage(({ id, result, error }) => {
      const pending = this.waiting.get(id);
      this.waiting.delete(id);
      if (error !== undefined) pending?.reject(new Error(error));
      else pending?.resolve(result);
    });
    channel.onError((err) => this.failAll(err));
  }

  static spawn(form: NodeForm, index: number): NodeHandle {
    return new NodeHandle(spawnChannel(form, index));
  }

  call<T>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.channel.send({ id, op, ...fields });
    });
  }

  async start(fx: Fixture, txs: readonly Transaction[], compact: boolean): Promise<void> {
    const started = await this.call<{ address: string; peerId: string }>('start', { funding: fx.funding.map((block) => block.encode()), txs: txs.map((tx) => tx.encode()), compact });
    this.address = started.address;
    this.peerId = started.peerId;
  }

  async close(): Promise<void> {
    await this.call('close').catch(() => undefined);
    await this.channel.terminate();
  }

  private failAll(err: Error): void {
    for (const pending of this.waiting.values()) pending.reject(err);
    this.waiting.clear();
  }
}

async function totals(nodes: readonly NodeHandle[]): Promise<NodeStats> {
  const all = await Promise.all(nodes.map((node) => node.call<NodeStats>('stats')));
  return all.reduce((sum, s) => ({ sent: sum.sent + s.sent, txsFetched: sum.txsFetched + s.txsFetched, fullBlocks: sum.fullBlocks + s.fullBlocks }));
}

/** Links each node to its chords and waits until every pair shares the gossip meshes. */
async function linkAll(nodes: readonly NodeHandle[]): Promise<void> {
  const neighbours = nodes.map(() => new Set<string>());
  for (const [i, j] of LINKS) {
    await nodes[i].call('connect', { address: nodes[j].address });
    neighbours[i].add(nodes[j].peerId);
    neighbours[j].add(nodes[i].peerId);
  }
  await Promise.all(nodes.map((node, i) => node.call('meshed', { peers: [...neighbours[i]] })));
}

async function relayRounds(nodes: NodeHandle[], branch: Fixture['branch'], compact: boolean, sets: Transaction[][], form: NodeForm): Promise<Figure[]> {
  const record = new RelayRecord(`${compact ? 'compact relay' : 'whole blocks'}, a ${form} per node`, compact);
  const [miner, ...others] = nodes;
  for (const txs of sets) {
    const block = branch.next({ txs, fees: 1_000n * BigInt(txs.length) });
    const hash = block.hash();
    const published = miner.call<number>('expect', { hash });
    const reached = others.map((node) => node.call<number>('expect', { hash }));
    const before = await totals(nodes);
    const cpuBefore = await Promise.all(others.map((node) => node.call<number | null>('cpu')));
    const status = await miner.call<string>('process', { block: block.encode() });
    if (status !== 'connected') throw new Error(`the miner did not connect the block: ${status}`);
    const start = await published;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a node did not connect the block in 120 s')), 120_000).unref());
    const times = await Promise.race([Promise.all(reached), timeout]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Each node writes its chain state before the next block, as between live blocks (see compact.ts).
    await Promise.all(nodes.map((node) => node.call('written')));
    const after = await totals(nodes);
    const cpuAfter = await Promise.all(others.map((node) => node.call<number | null>('cpu')));
    const cpu = cpuAfter.flatMap((ms, i) => (ms === null || cpuBefore[i] === null ? [] : [ms - cpuBefore[i]!]));
    // COMPACT_TRACE=1: each block's figures as they come, to watch the nodes' JIT warm up.
    if (process.env.COMPACT_TRACE) console.error(`block: ms to each node ${times.map((t) => (t - start).toFixed(0)).join(' ')}; CPU ms per node ${cpu.map((ms) => ms.toFixed(0)).join(' ')}`);
    const fetched = after.txsFetched + after.fullBlocks;
    if (fetched > 0) throw new Error(`${fetched} txs or blocks fetched though every mempool held the txs`);
    record.block(block, times.map((t) => t - start), after.sent - before.sent, cpu);
  }
  return record.figures();
}

export async function network(fx: Fixture, compact: boolean, sets: Transaction[][], form: NodeForm): Promise<Figure[]> {
  const nodes = Array.from({ length: NODES }, (_, i) => NodeHandle.spawn(form, i));
  try {
    await Promise.all(nodes.map((node) => node.start(fx, sets.flat(), compact)));
    await linkAll(nodes);
    const branch = fx.branch.forkAt(fx.branch.height, compact ? 61 : 62);
    return await relayRounds(nodes, branch, compact, sets, form);
  } finally {
    await Promise.all(nodes.map((node) => node.close()));
  }
}

export async function compactRelayApart(form: NodeForm): Promise<Figure[]> {
  const fx = fixture();
  const whole = await network(fx, false, networkSets(fx, false), form);
  return [...(await network(fx, true, networkSets(fx, true), form)), ...whole];
}
