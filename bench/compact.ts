/**
 * Compact block relay on 10 real libp2p nodes (127.0.0.1, one process): a 2,000-tx block whose
 * txs every node already holds in its mempool, published by one node, with compact relay on and
 * off. Figures: per node, the time from the miner's connect (when it publishes) to that node's
 * connect, p95 and max over every node and round after the warm-up blocks; and the bytes all
 * nodes sent during the relay, per node reached, as a share of the block's size (gossip's extra
 * copies and any blocktxn/blocks requests included).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Block, Transaction } from '../src/primitives/index.js';
import { encodeCompact, toCompact } from '../src/p2p/compact/codec.js';
import { closeAll, link, type payingBranch, startNode, type TestNode, waitFor } from '../test/p2p/helpers.js';
import type { Figure } from './measure.js';
import { acceptAll, paymentSets } from './payment-sets.js';
import { percentile, tipReached } from './p2p-timing.js';

/**
 * Nodes per network. COMPACT_NODES=N runs fewer: with 2 or 3, the process form gives each node
 * nearly a core of its own here, which the 10 nodes on 2 cores cannot have.
 */
export const NODES = Number(process.env.COMPACT_NODES ?? 10);
export const BLOCK_TXS = 2_000;
/**
 * Blocks each network relays before the measured ones, reported on their own. A live node has
 * connected thousands of blocks; these nodes have connected none, and each node's JIT warms
 * over its first few: the first block takes two to three times a warm one, the second and third
 * still up to twice (COMPACT_TRACE=1 prints every block). COMPACT_WARMUP=N changes the count.
 */
export const WARMUP_BLOCKS = Number(process.env.COMPACT_WARMUP ?? 3);
/** Blocks measured per network after the warm-up. COMPACT_ROUNDS=N measures more. */
export const ROUNDS = Number(process.env.COMPACT_ROUNDS ?? 4);
const BLOCKS_PER_NETWORK = WARMUP_BLOCKS + ROUNDS;
/**
 * Each node links to the next and the third next: degree 4, every node within 3 hops. With
 * fewer than 7 nodes some chords coincide or loop back; each pair is linked once.
 */
export const LINKS: ReadonlyArray<readonly [number, number]> = chordLinks(NODES, [1, 3]);

function chordLinks(nodes: number, chords: readonly number[]): Array<[number, number]> {
  const links: Array<[number, number]> = [];
  const seen = new Set<string>();
  for (let i = 0; i < nodes; i++) {
    for (const chord of chords) {
      const j = (i + chord) % nodes;
      const pair = `${Math.min(i, j)}-${Math.max(i, j)}`;
      if (i === j || seen.has(pair)) continue;
      seen.add(pair);
      links.push([i, j]);
    }
  }
  return links;
}

export interface Fixture {
  funding: Block[];
  /** 2 * (WARMUP_BLOCKS + ROUNDS) sets of BLOCK_TXS signed payments: one block's worth each, for two networks. */
  sets: Transaction[][];
  branch: ReturnType<typeof payingBranch>;
}

/**
 * The nodes' clock: an hour past the time of the last block relayed (the chain harness spaces
 * blocks 600 s apart), so their chains are at the tip as a live node's is, and flush the coin
 * cache after every block (flush-policy.ts) instead of deferring it as a node catching up does.
 * Every block relayed is then in the past, within the 2-hour future limit however many rounds.
 */
export function liveClock(funding: readonly Block[]): () => number {
  const now = funding[funding.length - 1].header.time + BLOCKS_PER_NETWORK * 600 + 3_600;
  return () => now;
}

/** The payment sets of the compact network (first) and the whole-block one. */
export function networkSets(fx: Fixture, compact: boolean): Transaction[][] {
  return compact ? fx.sets.slice(0, BLOCKS_PER_NETWORK) : fx.sets.slice(BLOCKS_PER_NETWORK);
}

export function fixture(): Fixture {
  return paymentSets(60, BLOCKS_PER_NETWORK * 2, BLOCK_TXS);
}

function sentBytes(nodes: readonly TestNode[]): number {
  return nodes.reduce((sum, node) => sum + node.p2p.netTotals().sent, 0);
}

/** Per-block measurements of one network, and the figures made of them. */
export class RelayRecord {
  private readonly latencies: number[] = [];
  /** The slowest node's latency at each warm-up block. */
  private readonly warmup: number[] = [];
  private readonly shares: number[] = [];
  private readonly hops: number[] = [];
  /** CPU ms each receiving node's process used per block (process-per-node form only). */
  private readonly cpu: number[] = [];

  constructor(
    private readonly mode: string,
    private readonly compact: boolean,
  ) {}

  /** One block: each node's time from publish to connect, and the bytes all nodes sent for it. */
  block(block: Block, latencies: readonly number[], sentBytes: number, cpuPerNode: readonly number[] = []): void {
    if (this.shares.length < WARMUP_BLOCKS) this.warmup.push(Math.max(...latencies));
    else {
      this.latencies.push(...latencies);
      this.cpu.push(...cpuPerNode);
    }
    this.shares.push(sentBytes / (NODES - 1) / block.size());
    // One hop carries one message: the compact form (nothing was fetched: every tx was in the pools) or the block.
    this.hops.push(this.compact ? encodeCompact(toCompact(block, () => false)).length / block.size() : 1);
  }

  figures(): Figure[] {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const n = BLOCK_TXS.toLocaleString('en-US');
    const { mode } = this;
    return [
      { name: `${mode}: ${n}-tx block (txs in every mempool), publish to each of ${NODES - 1} nodes connected, p95 (target <= 150 ms)`, value: percentile(sorted, 95), unit: 'ms' },
      { name: `${mode}: same, median`, value: percentile(sorted, 50), unit: 'ms' },
      { name: `${mode}: same, slowest node of any round`, value: sorted[sorted.length - 1], unit: 'ms' },
      ...this.warmup.map((ms, i) => ({ name: `${mode}: warm-up block ${i + 1} of ${WARMUP_BLOCKS} (not in the figures above: JIT ${i === 0 ? 'cold' : 'warming'}), slowest node`, value: ms, unit: 'ms' })),
      { name: `${mode}: bytes per hop (the message one link carries), % of block size (target <= 5 %)`, value: mean(this.hops) * 100, unit: '%' },
      { name: `${mode}: bytes all nodes sent per node reached (gossip's extra copies included), % of block size`, value: mean(this.shares) * 100, unit: '%' },
      ...(this.cpu.length > 0
        ? [{ name: `${mode}: CPU one receiving node's process used per block (every thread; its write after the pause included), median`, value: percentile([...this.cpu].sort((a, b) => a - b), 50), unit: 'ms' }]
        : []),
    ];
  }
}

async function relayRounds(nodes: TestNode[], branch: Fixture['branch'], compact: boolean, sets: Transaction[][]): Promise<Figure[]> {
  const record = new RelayRecord(compact ? 'compact relay' : 'whole blocks', compact);
  const miner = nodes[0];
  for (const txs of sets) {
    const block = branch.next({ txs, fees: 1_000n * BigInt(txs.length) });
    const published = tipReached(miner, block.hash());
    const reached = nodes.slice(1).map((node) => tipReached(node, block.hash()));
    const bytesBefore = sentBytes(nodes);
    const status = (await miner.h.chain.processBlock(block)).status;
    if (status !== 'connected') throw new Error(`the miner did not connect the block: ${status}`);
    const start = await published;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a node did not connect the block in 120 s')), 120_000).unref());
    const times = await Promise.race([Promise.all(reached), timeout]);
    // Trailing gossip (copies in flight, IHAVE/IDONTWANT) belongs to this block too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Blocks come minutes apart on a live network: each node has written its chain state (after
    // its 1 s pause, flush-policy.ts) before the next block, not while relaying it.
    await waitFor(() => nodes.every((node) => node.h.store.written), 60_000, 'every node writing its chain state');
    // COMPACT_TRACE=1: each block's figures as they come, as in the thread and process forms.
    if (process.env.COMPACT_TRACE) console.error(`block at ${start.toFixed(0)}: ms to each node ${times.map((t) => (t - start).toFixed(0)).join(' ')}`);
    const fetched = nodes.reduce((sum, node) => sum + node.p2p.compactStats().txsFetched + node.p2p.compactStats().fullBlocks, 0);
    if (fetched > 0) throw new Error(`${fetched} txs or blocks fetched though every mempool held the txs`);
    record.block(block, times.map((t) => t - start), sentBytes(nodes) - bytesBefore);
  }
  return record.figures();
}

/** One network of NODES nodes per mode, each mempool holding that mode's blocks' txs before any link. */
export async function network(fx: Fixture, compact: boolean, sets: Transaction[][]): Promise<Figure[]> {
  const nodes: TestNode[] = [];
  try {
    // No reconciliation, and mempools filled before the links: no tx crosses the network.
    for (let i = 0; i < NODES; i++) nodes.push(await startNode({ blocks: fx.funding, chainNow: liveClock(fx.funding), p2p: { mempoolSyncMs: 0, compactBlocks: compact } }));
    for (const node of nodes) await acceptAll(node.mempool, sets.flat());
    for (const [i, j] of LINKS) await link(nodes[i], nodes[j]);
    // Each network mines on its own fork of the funded chain.
    const branch = fx.branch.forkAt(fx.branch.height, compact ? 61 : 62);
    return await relayRounds(nodes, branch, compact, sets);
  } finally {
    await closeAll(nodes);
  }
}

/**
 * A full collection of this process's heap. The first network's ten nodes leave ~1 GB of
 * garbage when they close; collected during the second network's blocks instead, it stalled
 * one of them by over a second (a measured block's slowest node at 1,314 ms, its median 170).
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export async function compactRelay(): Promise<Figure[]> {
  const fx = fixture();
  const whole = await network(fx, false, networkSets(fx, false));
  collectGarbage();
  return [...(await network(fx, true, networkSets(fx, true))), ...whole];
}
