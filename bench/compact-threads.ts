/**
 * The compact relay bench with each node in its own worker thread: the nodes still share this
 * machine's cores, but no longer one event loop, so a node forwarding a compact block does not
 * wait for nine other nodes' block connects to finish first, as it would not on users' separate
 * machines. Same network, block and figures as bench/compact.ts, which keeps the one-process form.
 */
import type { Worker } from 'node:worker_threads';
import type { Transaction } from '../src/primitives/index.js';
import { encodeCompact, toCompact } from '../src/p2p/compact/codec.js';
import { siblingModuleUrl, spawnModuleWorker } from '../src/util/worker-spawn.js';
import { BLOCK_TXS, CHORDS, type Fixture, fixture, NODES, ROUNDS } from './compact.js';
import type { Figure } from './measure.js';
import { percentile } from './p2p-timing.js';

interface NodeStats {
  sent: number;
  txsFetched: number;
  fullBlocks: number;
}

/** A node in a worker thread, driven by request and reply. */
class ThreadNode {
  private next = 0;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  address = '';
  peerId = '';

  constructor(private readonly worker: Worker) {
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const pending = this.waiting.get(id);
      this.waiting.delete(id);
      if (error !== undefined) pending?.reject(new Error(error));
      else pending?.resolve(result);
    });
    worker.on('error', (err) => this.failAll(err));
  }

  static spawn(index: number): ThreadNode {
    return new ThreadNode(spawnModuleWorker(siblingModuleUrl(import.meta.url, 'compact-node-worker'), { name: `compact-node-${index}` }));
  }

  call<T>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, op, ...fields });
    });
  }

  async start(fx: Fixture, txs: readonly Transaction[], compact: boolean): Promise<void> {
    const started = await this.call<{ address: string; peerId: string }>('start', { funding: fx.funding.map((block) => block.encode()), txs: txs.map((tx) => tx.encode()), compact });
    this.address = started.address;
    this.peerId = started.peerId;
  }

  async close(): Promise<void> {
    await this.call('close').catch(() => undefined);
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    for (const pending of this.waiting.values()) pending.reject(err);
    this.waiting.clear();
  }
}

async function totals(nodes: readonly ThreadNode[]): Promise<NodeStats> {
  const all = await Promise.all(nodes.map((node) => node.call<NodeStats>('stats')));
  return all.reduce((sum, s) => ({ sent: sum.sent + s.sent, txsFetched: sum.txsFetched + s.txsFetched, fullBlocks: sum.fullBlocks + s.fullBlocks }));
}

/** Links each node to its chords and waits until every pair shares the gossip meshes. */
async function linkAll(nodes: readonly ThreadNode[]): Promise<void> {
  const neighbours = nodes.map(() => new Set<string>());
  for (let i = 0; i < NODES; i++) {
    for (const chord of CHORDS) {
      const other = nodes[(i + chord) % NODES];
      await nodes[i].call('connect', { address: other.address });
      neighbours[i].add(other.peerId);
      neighbours[(i + chord) % NODES].add(nodes[i].peerId);
    }
  }
  await Promise.all(nodes.map((node, i) => node.call('meshed', { peers: [...neighbours[i]] })));
}

async function relayRounds(nodes: ThreadNode[], branch: Fixture['branch'], compact: boolean, sets: Transaction[][]): Promise<Figure[]> {
  const latencies: number[] = [];
  const shares: number[] = [];
  const hops: number[] = [];
  const [miner, ...others] = nodes;
  for (const txs of sets) {
    const block = branch.next({ txs, fees: 1_000n * BigInt(txs.length) });
    const hash = block.hash();
    const published = miner.call<number>('expect', { hash });
    const reached = others.map((node) => node.call<number>('expect', { hash }));
    const before = await totals(nodes);
    const status = await miner.call<string>('process', { block: block.encode() });
    if (status !== 'connected') throw new Error(`the miner did not connect the block: ${status}`);
    const start = await published;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a node did not connect the block in 120 s')), 120_000).unref());
    const times = await Promise.race([Promise.all(reached), timeout]);
    latencies.push(...times.map((t) => t - start));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await totals(nodes);
    shares.push((after.sent - before.sent) / (NODES - 1) / block.size());
    const fetched = after.txsFetched + after.fullBlocks;
    if (fetched > 0) throw new Error(`${fetched} txs or blocks fetched though every mempool held the txs`);
    hops.push(compact ? encodeCompact(toCompact(block, () => false)).length / block.size() : 1);
  }
  latencies.sort((a, b) => a - b);
  const mode = `${compact ? 'compact relay' : 'whole blocks'}, a thread per node`;
  const n = BLOCK_TXS.toLocaleString('en-US');
  return [
    { name: `${mode}: ${n}-tx block (txs in every mempool), publish to each of ${NODES - 1} nodes connected, p95 (target <= 150 ms)`, value: percentile(latencies, 95), unit: 'ms' },
    { name: `${mode}: same, median`, value: percentile(latencies, 50), unit: 'ms' },
    { name: `${mode}: same, slowest node of any round`, value: latencies[latencies.length - 1], unit: 'ms' },
    { name: `${mode}: bytes per hop (the message one link carries), % of block size (target <= 5 %)`, value: (hops.reduce((a, b) => a + b, 0) / hops.length) * 100, unit: '%' },
    { name: `${mode}: bytes all nodes sent per node reached (gossip's extra copies included), % of block size`, value: (shares.reduce((a, b) => a + b, 0) / shares.length) * 100, unit: '%' },
  ];
}

async function network(fx: Fixture, compact: boolean, sets: Transaction[][]): Promise<Figure[]> {
  const nodes = Array.from({ length: NODES }, (_, i) => ThreadNode.spawn(i));
  try {
    await Promise.all(nodes.map((node) => node.start(fx, sets.flat(), compact)));
    await linkAll(nodes);
    const branch = fx.branch.forkAt(fx.branch.height, compact ? 61 : 62);
    return await relayRounds(nodes, branch, compact, sets);
  } finally {
    await Promise.all(nodes.map((node) => node.close()));
  }
}

export async function compactRelayThreads(): Promise<Figure[]> {
  const fx = fixture();
  const whole = await network(fx, false, fx.sets.slice(ROUNDS));
  return [...(await network(fx, true, fx.sets.slice(0, ROUNDS))), ...whole];
}
