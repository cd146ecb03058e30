/**
 * p2p figures on loopback, every node a real libp2p stack with its own chain on its own LevelDB
 * (all in this process, so the nodes share its CPU): block propagation along a line of 10 nodes,
 * initial sync speed for a 2,000-block chain with some transactions, the cost of one mempool
 * reconciliation (mempool/1) for a 5,000-tx mempool, and a 20-node network that finds itself
 * from one seed (cold start to a connected mesh, then block propagation).
 */
import type { Block, Transaction } from '../src/primitives/index.js';
import { OutPoint } from '../src/primitives/outpoint.js';
import { coinbaseOutpoint } from '../test/helpers/chain-harness.js';
import { closeAll, DISCOVERY, key, link, payingBranch, reachable, spendCoinbase, startNode, type TestNode, waitFor } from '../test/p2p/helpers.js';
import { blockConnect } from './block-connect.js';
import { compactRelay } from './compact.js';
import type { Figure } from './measure.js';
import { percentile, tipReached } from './p2p-timing.js';
import { acceptAll } from './payment-sets.js';

export const title = 'p2p: real libp2p nodes on 127.0.0.1 (one process, regtest blocks)';

const LINE = 10;
const PROPAGATIONS = 30;
const SYNC_BLOCKS = 2_000;



async function propagation(): Promise<Figure[]> {
  const nodes: TestNode[] = [];
  try {
    for (let i = 0; i < LINE; i++) nodes.push(await startNode());
    await Promise.all(nodes.slice(1).map((node, i) => link(nodes[i], node)));
    const branch = payingBranch(50);
    const latencies: number[] = [];
    for (let i = 0; i < PROPAGATIONS; i++) {
      const block = branch.next();
      const reached = Promise.all(nodes.slice(1).map((node) => tipReached(node, block.hash())));
      const start = performance.now();
      await nodes[0].h.chain.processBlock(block);
      latencies.push(Math.max(...(await reached)) - start);
    }
    latencies.sort((a, b) => a - b);
    return [
      { name: `block propagation over a line of ${LINE} nodes, median`, value: percentile(latencies, 50), unit: 'ms' },
      { name: `block propagation over a line of ${LINE} nodes, p95`, value: percentile(latencies, 95), unit: 'ms' },
    ];
  } finally {
    await closeAll(nodes);
  }
}

/** 2,000 blocks, one in every 40 carrying a signed spend of an earlier coinbase. */
function syncChain(): Block[] {
  const branch = payingBranch(51);
  const blocks = branch.extend(5);
  while (blocks.length < SYNC_BLOCKS) {
    const height = branch.height;
    blocks.push(height % 40 === 0 ? branch.next({ txs: [spendCoinbase(branch.at(height - 4))], fees: 10_000n }) : branch.next());
  }
  return blocks;
}

async function syncSpeed(): Promise<Figure[]> {
  const blocks = syncChain();
  const nodes: TestNode[] = [];
  try {
    const source = await startNode({ blocks });
    const fresh = await startNode();
    nodes.push(source, fresh);
    const done = tipReached(fresh, blocks[blocks.length - 1].hash());
    const start = performance.now();
    await fresh.p2p.connect(source.p2p.addresses()[0]);
    const seconds = ((await done) - start) / 1000;
    return [
      { name: `initial sync of ${SYNC_BLOCKS.toLocaleString('en-US')} blocks from one peer`, value: SYNC_BLOCKS / seconds, unit: 'blocks/s' },
      { name: `initial sync of ${SYNC_BLOCKS.toLocaleString('en-US')} blocks, total`, value: seconds * 1000, unit: 'ms' },
    ];
  } finally {
    await closeAll(nodes);
  }
}

const POOL_TXS = 5_000;
const FAN_OUT = 2_500;

/** A chain whose last block holds fan-out txs, and POOL_TXS signed payments each spending one of their outputs. */
function poolFixture(): { blocks: Block[]; payments: Transaction[] } {
  const branch = payingBranch(52);
  const blocks = branch.extend(POOL_TXS / FAN_OUT);
  const fanFee = 100_000n;
  const fans = blocks.map((block) => {
    const value = block.txs[0].outputs[0].value;
    const each = (value - fanFee) / BigInt(FAN_OUT);
    return key.spend([{ outpoint: coinbaseOutpoint(block), value }], Array.from({ length: FAN_OUT }, () => ({ value: each, script: key.script })));
  });
  blocks.push(branch.next({ txs: fans, fees: fanFee * BigInt(fans.length) }));
  const payments = fans.flatMap((fan) => fan.outputs.map((output, i) => key.spend([{ outpoint: new OutPoint(fan.txidBytes(), i), value: output.value }], [{ value: output.value - 1_000n, script: key.script }])));
  return { blocks, payments };
}

/**
 * One reconciliation over a connection: a peer with an empty mempool fetching all 5,000 txs
 * (validating them included), then the steady state, both sides holding the same 5,000.
 */
export async function reconciliation(): Promise<Figure[]> {
  const { blocks, payments } = poolFixture();
  const nodes: TestNode[] = [];
  try {
    // The full node serves reconciliation; the fresh one reconciles only when the bench asks.
    const full = await startNode({ blocks, p2p: { mempoolSyncMs: 3_600_000 } });
    const fresh = await startNode({ blocks, p2p: { mempoolSyncMs: 0 } });
    nodes.push(full, fresh);
    await acceptAll(full.mempool, payments);
    await fresh.p2p.connect(full.p2p.addresses()[0]);
    let start = performance.now();
    const first = await fresh.p2p.reconcileMempool(full.p2p.peerId);
    const firstMs = performance.now() - start;
    if (fresh.mempool.size !== POOL_TXS) throw new Error(`reconciliation moved ${fresh.mempool.size} of ${POOL_TXS} txs`);
    start = performance.now();
    const steady = await fresh.p2p.reconcileMempool(full.p2p.peerId);
    const steadyMs = performance.now() - start;
    const n = POOL_TXS.toLocaleString('en-US');
    return [
      { name: `mempool reconciliation, ${n} txs on both sides: bytes per connection (request + reply)`, value: steady.requestBytes + steady.replyBytes, unit: 'bytes' },
      { name: `mempool reconciliation, ${n} txs on both sides: time per connection`, value: steadyMs, unit: 'ms' },
      { name: `mempool reconciliation, empty peer fetching ${n} txs: bytes`, value: (first.requestBytes + first.replyBytes + first.pushedBytes) / 1024, unit: 'KiB' },
      { name: `mempool reconciliation, empty peer fetching ${n} txs: time (validation included, ${first.rounds} rounds)`, value: firstMs, unit: 'ms' },
    ];
  } finally {
    await closeAll(nodes);
  }
}

const MESH = 20;
const MESH_BLOCKS = 20;

/** 20 nodes given only the seed: time until every node has 4 peers and the graph is connected; then blocks from random nodes. */
export async function discoveredMesh(): Promise<Figure[]> {
  const nodes: TestNode[] = [];
  try {
    const start = performance.now();
    const seed = await startNode({ p2p: DISCOVERY });
    nodes.push(seed);
    const seedAddress = seed.p2p.addresses()[0];
    nodes.push(...(await Promise.all(Array.from({ length: MESH - 1 }, () => startNode({ p2p: { ...DISCOVERY, seeds: [seedAddress] } })))));
    await waitFor(() => nodes.every((node) => node.p2p.peers().length >= 4) && reachable(nodes, seed) === MESH, 120_000, 'a connected mesh').catch((err: Error) => {
      throw new Error(`${err.message}; peers per node: ${nodes.map((node) => node.p2p.peers().length).join(' ')}`);
    });
    const meshMs = performance.now() - start;
    // Gossip meshes settle after a heartbeat or two.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const branch = payingBranch(52);
    const latencies: number[] = [];
    for (let i = 0; i < MESH_BLOCKS; i++) {
      const block = branch.next();
      const origin = nodes[Math.floor(Math.random() * MESH)];
      const reached = Promise.all(nodes.filter((node) => node !== origin).map((node) => tipReached(node, block.hash())));
      const began = performance.now();
      await origin.h.chain.processBlock(block);
      // A node the block never reaches must fail the bench, not hang it.
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`block ${i} did not reach every node in 60 s: ${nodes.map((n) => n.h.chain.height).join(' ')}`)), 60_000).unref());
      latencies.push(Math.max(...(await Promise.race([reached, timeout]))) - began);
    }
    latencies.sort((a, b) => a - b);
    const peers = nodes.map((node) => node.p2p.peers().length);
    return [
      { name: `${MESH} nodes from cold start (one seed) to a connected mesh, every node with 4+ peers`, value: meshMs, unit: 'ms' },
      { name: `peers per node in the discovered mesh, mean`, value: peers.reduce((a, b) => a + b, 0) / MESH, unit: 'peers' },
      { name: `block propagation to all of ${MESH} discovered nodes, median`, value: percentile(latencies, 50), unit: 'ms' },
      { name: `block propagation to all of ${MESH} discovered nodes, p95`, value: percentile(latencies, 95), unit: 'ms' },
    ];
  } finally {
    await closeAll(nodes);
  }
}

export async function run(): Promise<Figure[]> {
  return [...(await blockConnect()), ...(await compactRelay()), ...(await propagation()), ...(await syncSpeed()), ...(await reconciliation()), ...(await discoveredMesh())];
}
