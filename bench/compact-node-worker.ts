/**
 * One node of the compact relay bench in its own worker thread or process (bench/compact-apart.ts):
 * its own event loop, as on a user's own machine, instead of sharing one with nine other nodes.
 * The driver sends requests ({ id, op, ... }); each gets one reply ({ id, result } or
 * { id, error }). Times are wall-clock milliseconds (timeOrigin + now), comparable across threads.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parentPort, threadId } from 'node:worker_threads';
import { Block, Transaction } from '../src/primitives/index.js';
import { startNode, type TestNode, waitFor } from '../test/p2p/helpers.js';
import { liveClock } from './compact.js';
import { acceptAll } from './payment-sets.js';

interface Request {
  id: number;
  op: 'start' | 'connect' | 'meshed' | 'expect' | 'process' | 'written' | 'stats' | 'cpu' | 'close';
  [field: string]: unknown;
}

let node: TestNode | undefined;

/**
 * COMPACT_PROFILE_DIR=dir: each node's CPU profile from its meshing to its close (the relay
 * rounds, flushes and idle time between them) is written there as node-<pid>-<thread>.cpuprofile.
 */
const profileDir = process.env.COMPACT_PROFILE_DIR;
let profiler: Session | undefined;

async function startProfile(): Promise<void> {
  if (!profileDir || profiler) return;
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

async function writeProfile(): Promise<void> {
  if (!profileDir || !profiler) return;
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(join(profileDir, `node-${process.pid}-${threadId}.cpuprofile`), JSON.stringify(profile));
  profiler.disconnect();
  profiler = undefined;
}

function running(): TestNode {
  if (!node) throw new Error('node not started');
  return node;
}

function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves with the wall time `hash` becomes the tip. */
function tipAt(hash: string): Promise<number> {
  const chain = running().h.chain;
  return new Promise((resolve) => {
    if (chain.tip.hash === hash) return resolve(wallNow());
    const listener = ({ tip }: { tip: { hash: string } }): void => {
      if (tip.hash !== hash) return;
      chain.off('tipChanged', listener);
      resolve(wallNow());
    };
    chain.on('tipChanged', listener);
  });
}

const handlers: Record<Request['op'], (request: Request) => Promise<unknown>> = {
  async start({ funding, txs, compact }) {
    const blocks = (funding as Uint8Array[]).map((bytes) => Block.decode(bytes));
    node = await startNode({ blocks, chainNow: liveClock(blocks), p2p: { mempoolSyncMs: 0, compactBlocks: compact as boolean } });
    await acceptAll(node.mempool, (txs as Uint8Array[]).map((bytes) => Transaction.decode(bytes)));
    return { address: node.p2p.addresses()[0], peerId: node.p2p.peerId };
  },
  /** Retried: on a loaded machine a handshake can outlast libp2p's timeout. */
  async connect({ address }) {
    for (let attempt = 1; ; attempt++) {
      try {
        await running().p2p.connect(address as string);
        return null;
      } catch (err) {
        if (attempt === 5) throw err;
      }
    }
  },
  async meshed({ peers }) {
    const p2p = running().p2p;
    const all = (topic: 'block' | 'tx' | 'compact') => (peers as string[]).every((peer) => p2p.meshPeers()[topic].includes(peer));
    await waitFor(() => all('block') && all('tx') && all('compact'), 60_000, 'gossip meshes with every neighbour');
    await startProfile();
    return null;
  },
  async expect({ hash }) {
    return tipAt(hash as string);
  },
  async process({ block }) {
    return (await running().h.chain.processBlock(Block.decode(block as Uint8Array))).status;
  },
  /** Resolves once the node has written its chain state (its coin cache is empty and no write is in flight). */
  async written() {
    const store = running().h.store;
    await waitFor(() => store.written, 60_000, 'the node writing its chain state');
    return null;
  },
  async stats() {
    const p2p = running().p2p;
    const { txsFetched, fullBlocks } = p2p.compactStats();
    return { sent: p2p.netTotals().sent, txsFetched, fullBlocks };
  },
  /** CPU ms this node's process has used (every thread); null in a worker thread, whose process holds ten nodes. */
  async cpu() {
    if (parentPort) return null;
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  async close() {
    await writeProfile();
    await node?.close();
    node = undefined;
    return null;
  },
};

// A worker thread's port, or a child process's IPC channel (forked with serialization 'advanced').
const reply = parentPort ? (message: unknown) => parentPort!.postMessage(message) : (message: unknown) => process.send!(message as never);
const requests = (listener: (request: Request) => void) => (parentPort ? parentPort.on('message', listener) : process.on('message', listener as never));

requests((request: Request) => {
  handlers[request.op](request).then(
    (result) => reply({ id: request.id, result }),
    (err: unknown) => reply({ id: request.id, error: String((err as Error)?.stack ?? err) }),
  );
});
