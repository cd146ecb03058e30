/**
 * Compact block relay on 10 real libp2p nodes (127.0.0.1, one process): a 2,000-tx block whose
 * txs every node already holds in its mempool, published by one node, with compact relay on and
 * off. Figures: per node, the time from the miner's connect (when it publishes) to that node's
 * connect, p95 and max over every node and round; and the bytes all nodes sent during the
 * relay, per node reached, as a share of the block's size (gossip's extra copies and any
 * blocktxn/blocks requests included).
 */
import type { Block, Transaction } from '../src/primitives/index.js';
import { OutPoint } from '../src/primitives/outpoint.js';
import { encodeCompact, toCompact } from '../src/p2p/compact/codec.js';
import { coinbaseOutpoint } from '../test/helpers/chain-harness.js';
import { closeAll, key, link, payingBranch, startNode, type TestNode } from '../test/p2p/helpers.js';
import type { Figure } from './measure.js';
import { percentile, tipReached } from './p2p-timing.js';

export const NODES = 10;
export const BLOCK_TXS = 2_000;
export const ROUNDS = 3;
/** Each node links to the next and the third next: degree 4, every node within 3 hops. */
export const CHORDS = [1, 3];

export interface Fixture {
  funding: Block[];
  /** ROUNDS * 2 sets of BLOCK_TXS signed payments. */
  sets: Transaction[][];
  branch: ReturnType<typeof payingBranch>;
}

export function fixture(): Fixture {
  const branch = payingBranch(60);
  const sets = ROUNDS * 2;
  const coinbases = branch.extend(sets);
  const fans = coinbases.map((block) => {
    const value = block.txs[0].outputs[0].value;
    const each = (value - 200_000n) / BigInt(BLOCK_TXS);
    return key.spend([{ outpoint: coinbaseOutpoint(block), value }], Array.from({ length: BLOCK_TXS }, () => ({ value: each, script: key.script })));
  });
  const funding = [...coinbases, branch.next({ txs: fans, fees: 200_000n * BigInt(sets) })];
  const payments = fans.map((fan) => fan.outputs.map((output, i) => key.spend([{ outpoint: new OutPoint(fan.txidBytes(), i), value: output.value }], [{ value: output.value - 1_000n, script: key.script }])));
  return { funding, sets: payments, branch };
}

function sentBytes(nodes: readonly TestNode[]): number {
  return nodes.reduce((sum, node) => sum + node.p2p.netTotals().sent, 0);
}

async function relayRounds(nodes: TestNode[], branch: Fixture['branch'], compact: boolean, sets: Transaction[][]): Promise<Figure[]> {
  const latencies: number[] = [];
  const shares: number[] = [];
  const hops: number[] = [];
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
    latencies.push(...times.map((t) => t - start));
    // Trailing gossip (copies in flight, IHAVE/IDONTWANT) belongs to this block too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    shares.push((sentBytes(nodes) - bytesBefore) / (NODES - 1) / block.size());
    // One hop carries one message: the compact form (nothing was fetched: every tx was in the pools) or the block.
    const fetched = nodes.reduce((sum, node) => sum + node.p2p.compactStats().txsFetched + node.p2p.compactStats().fullBlocks, 0);
    if (fetched > 0) throw new Error(`${fetched} txs or blocks fetched though every mempool held the txs`);
    hops.push(compact ? encodeCompact(toCompact(block, () => false)).length / block.size() : 1);
  }
  latencies.sort((a, b) => a - b);
  const mode = compact ? 'compact relay' : 'whole blocks';
  const n = BLOCK_TXS.toLocaleString('en-US');
  return [
    { name: `${mode}: ${n}-tx block (txs in every mempool), publish to each of ${NODES - 1} nodes connected, p95 (target <= 150 ms)`, value: percentile(latencies, 95), unit: 'ms' },
    { name: `${mode}: same, slowest node of any round`, value: latencies[latencies.length - 1], unit: 'ms' },
    { name: `${mode}: bytes per hop (the message one link carries), % of block size (target <= 5 %)`, value: (hops.reduce((a, b) => a + b, 0) / hops.length) * 100, unit: '%' },
    { name: `${mode}: bytes all nodes sent per node reached (gossip's extra copies included), % of block size`, value: (shares.reduce((a, b) => a + b, 0) / shares.length) * 100, unit: '%' },
  ];
}

/** One network of NODES nodes per mode, each mempool holding that mode's blocks' txs before any link. */
async function network(fx: Fixture, compact: boolean, sets: Transaction[][]): Promise<Figure[]> {
  const nodes: TestNode[] = [];
  try {
    // No reconciliation, and mempools filled before the links: no tx crosses the network.
    for (let i = 0; i < NODES; i++) nodes.push(await startNode({ blocks: fx.funding, p2p: { mempoolSyncMs: 0, compactBlocks: compact } }));
    for (const node of nodes) for (const set of sets) for (const tx of set) await node.mempool.acceptTransaction(tx);
    for (let i = 0; i < NODES; i++) for (const chord of CHORDS) await link(nodes[i], nodes[(i + chord) % NODES]);
    // Each network mines on its own fork of the funded chain.
    const branch = fx.branch.forkAt(fx.branch.height, compact ? 61 : 62);
    return await relayRounds(nodes, branch, compact, sets);
  } finally {
    await closeAll(nodes);
  }
}

export async function compactRelay(): Promise<Figure[]> {
  const fx = fixture();
  const whole = await network(fx, false, fx.sets.slice(ROUNDS));
  return [...(await network(fx, true, fx.sets.slice(0, ROUNDS))), ...whole];
}
