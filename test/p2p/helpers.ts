/**
 * Real p2p nodes for tests: each has its own Chain on its own temp LevelDB, a mempool following
 * it, and a libp2p stack on 127.0.0.1 port 0, all in this process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { Mempool } from '../../src/mempool/index.js';
import { P2PNode } from '../../src/p2p/node.js';
import type { P2POptions } from '../../src/p2p/options.js';
import { defineNetwork, networks, type NetworkParams } from '../../src/params/index.js';
import type { Block, Transaction } from '../../src/primitives/index.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, openHarness } from '../helpers/chain-harness.js';

/** Regtest with spendable-next-block coinbases, under its own protocol name. */
export const params: NetworkParams = defineNetwork({ name: 'p2ptest', coinbaseMaturity: 1 }, networks.regtest);
export const key = new TestKey('p2p');

/**
 * Tests link nodes by hand (lines, rings, partitions): no outbound connections from the address
 * book and no feelers unless a test asks for discovery (DISCOVERY).
 */
export const FIXED_TOPOLOGY: Partial<P2POptions> = { maxOutbound: 0, blockRelayOnly: 0, feelerIntervalMs: 24 * 3_600_000 };
/** Core's outbound slots, for tests of discovery. */
export const DISCOVERY: Partial<P2POptions> = { maxOutbound: 8, blockRelayOnly: 2 };

export interface TestNode {
  h: Harness;
  mempool: Mempool;
  p2p: P2PNode;
  dataDir: string;
  /** Stops p2p, reopens the chain from disk and starts p2p again (same identity and bans). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface NodeSetup {
  params?: NetworkParams;
  /** Blocks processed before the p2p stack starts. */
  blocks?: readonly Block[];
  p2p?: Partial<P2POptions>;
  /** Params the p2p node sees, when they should differ from the chain's (another network's genesis). */
  p2pParams?: NetworkParams;
  /** The chain's clock, seconds (default: far ahead of every test block, as openHarness sets it). */
  chainNow?: () => number;
}

function debugLogger() {
  const line = (level: string) => (fields: object, message: string) => console.log(level, message, JSON.stringify(fields));
  const logger = { trace: () => {}, debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), fatal: line('fatal'), child: () => logger };
  return logger as never;
}

export async function startNode(setup: NodeSetup = {}): Promise<TestNode> {
  const network = setup.params ?? params;
  const h = await openHarness({ params: network, ...(setup.chainNow ? { modules: { now: setup.chainNow } } : {}) });
  const dataDir = await mkdtemp(join(tmpdir(), 'powcoin-p2p-'));
  for (const block of setup.blocks ?? []) await h.chain.processBlock(block);
  const wire = () => {
    const mempool = new Mempool({}, { chain: h.chain, params: network, verifier: new InlineVerifier(), sigCache: h.chain.sigCache, scriptCache: h.chain.scriptCache });
    const unfollow = mempool.followChain(h.chain);
    const p2p = new P2PNode({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], dataDir, requestTimeoutMs: 5_000, ...FIXED_TOPOLOGY, ...setup.p2p }, { chain: h.chain, mempool, params: setup.p2pParams ?? network, ...(process.env.P2P_DEBUG ? { logger: debugLogger() } : {}) });
    return { mempool, p2p, unfollow };
  };
  let parts = wire();
  await parts.p2p.start();
  const node: TestNode = {
    h,
    mempool: parts.mempool,
    p2p: parts.p2p,
    dataDir,
    async restart() {
      await parts.p2p.stop();
      parts.unfollow();
      await h.reopen();
      parts = wire();
      Object.assign(node, { mempool: parts.mempool, p2p: parts.p2p });
      await parts.p2p.start();
    },
    async close() {
      await parts.p2p.stop();
      parts.unfollow();
      await parts.mempool.idle();
      await h.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return node;
}

/** Dials b from a and waits until both have exchanged gossip subscriptions. */
export async function link(a: TestNode, b: TestNode): Promise<void> {
  await a.p2p.connect(b.p2p.addresses()[0]);
  await waitFor(() => a.p2p.meshPeers().block.includes(b.p2p.peerId) && b.p2p.meshPeers().block.includes(a.p2p.peerId), 10_000, 'gossip mesh between two peers');
  await waitFor(() => a.p2p.meshPeers().tx.includes(b.p2p.peerId) && b.p2p.meshPeers().tx.includes(a.p2p.peerId), 10_000, 'tx mesh between two peers');
  await waitFor(() => a.p2p.meshPeers().compact.includes(b.p2p.peerId) && b.p2p.meshPeers().compact.includes(a.p2p.peerId), 10_000, 'compact block mesh between two peers');
}

/**
 * Every ceiling here is a hang guard, not a speed check: on a 2-core machine at load average 40 a
 * step that takes 100 ms alone takes seconds, so no wait gives up before this, whatever a call
 * site names (the names say how long the step takes on a quiet machine).
 */
export const MIN_CEILING_MS = 60_000;

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const ceiling = Math.max(timeoutMs, MIN_CEILING_MS);
  const deadline = Date.now() + ceiling;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ceiling} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function waitForTip(nodes: readonly TestNode[], hash: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(() => nodes.every((node) => node.h.chain.tip.hash === hash), timeoutMs, `every node at tip ${hash}`);
}

export async function closeAll(nodes: readonly TestNode[]): Promise<void> {
  await Promise.all(nodes.map((node) => node.close()));
}

/** A branch paying `key`, so its coinbases can fund test txs. */
export function payingBranch(tag = 1): Branch {
  return Branch.fromGenesis(params, tag, key.script);
}

/** A signed tx spending the coinbase of `block` back to `key`, leaving `fee`. */
export function spendCoinbase(block: Block, fee = 10_000n): Transaction {
  const value = block.txs[0].outputs[0].value;
  return key.spend([{ outpoint: coinbaseOutpoint(block), value }], [{ value: value - fee, script: key.script }]);
}

/** How many of `nodes` are reachable from `start` over their current connections. */
export function reachable(nodes: readonly TestNode[], start: TestNode): number {
  const byId = new Map(nodes.map((node) => [node.p2p.peerId, node]));
  const seen = new Set([start.p2p.peerId]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const peer of node.p2p.peers()) {
      const next = byId.get(peer.id);
      if (next && !seen.has(peer.id)) {
        seen.add(peer.id);
        queue.push(next);
      }
    }
  }
  return seen.size;
}
