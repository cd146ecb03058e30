/**
 * One node's share of compact block relay, without the network: a real chain on a temp LevelDB
 * and a mempool following it (as test/p2p/helpers.ts wires them) hold every tx of a 2,000-tx
 * block; the block arrives as its compact message and is decoded, rebuilt from the mempool and
 * connected. This is the work each of the relay bench's nodes does per block, and what bounds
 * its latency once a node's cores are busy. Run alone with `--profile` (node --import tsx
 * bench/compact-connect.ts --profile) to print where that time goes, by function; ROUNDS=N
 * connects N blocks, PROFILE_FROM=K profiles from the K-th on (default 2: the JIT warms first).
 */
import { Session } from 'node:inspector/promises';
import { Mempool } from '../src/mempool/index.js';
import { decodeCompact, encodeCompact, toCompact } from '../src/p2p/compact/codec.js';
import { entriesPool, PartialBlock } from '../src/p2p/compact/rebuild.js';
import type { Block } from '../src/primitives/index.js';
import { InlineVerifier } from '../src/verify/sig-verifier.js';
import { openHarness } from '../test/helpers/chain-harness.js';
import { params } from '../test/p2p/helpers.js';
import type { Figure } from './measure.js';
import { paymentSets } from './payment-sets.js';
import { percentile } from './p2p-timing.js';

const BLOCK_TXS = 2_000;

interface Phases {
  decode: number;
  rebuild: number;
  connect: number;
  /** The mempool's removal of the block's txs (its own queue, after the tip moved). */
  mempool: number;
  /** Writing the block's chain state from the coin cache to LevelDB. */
  flush: number;
  /** CPU time of the whole (every thread of the process: LevelDB's writes too), ms. */
  cpu: number;
}

/** Times one node rebuilding and connecting `rounds` blocks; `profileRound` is run under the CPU profiler. */
export async function connectRounds(rounds: number, profileRound = -1): Promise<{ phases: Phases[]; profile?: unknown }> {
  const { branch, funding, sets } = paymentSets(70, rounds, BLOCK_TXS);
  const h = await openHarness({ params });
  const session = profileRound >= 0 ? new Session() : undefined;
  let profile: unknown;
  try {
    for (const block of funding) await h.chain.processBlock(block);
    const mempool = new Mempool({}, { chain: h.chain, params, verifier: new InlineVerifier(), sigCache: h.chain.sigCache, scriptCache: h.chain.scriptCache });
    const unfollow = mempool.followChain(h.chain);
    for (const set of sets) for (const tx of set) await mempool.acceptTransaction(tx);
    const blocks: Block[] = sets.map((txs) => branch.next({ txs, fees: 1_000n * BigInt(txs.length) }));
    // The messages as a sender makes them (the sender's own hashing is not this node's cost).
    const messages = blocks.map((block) => encodeCompact(toCompact(block)));
    const phases: Phases[] = [];
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
    }
    for (let round = 0; round < rounds; round++) {
      if (round === profileRound) await session!.post('Profiler.start');
      phases.push(await connectOne(h.chain, mempool, messages[round]));
      if (session && round === rounds - 1) profile = (await session.post('Profiler.stop')).profile;
    }
    unfollow();
    return { phases, profile };
  } finally {
    session?.disconnect();
    await h.close();
  }
}

async function connectOne(chain: Awaited<ReturnType<typeof openHarness>>['chain'], mempool: Mempool, message: Uint8Array): Promise<Phases> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const compact = decodeCompact(message);
  const t1 = performance.now();
  const partial = PartialBlock.init(compact, [entriesPool(mempool)]);
  if (typeof partial === 'string') throw new Error(`rebuild failed: ${partial}`);
  const block = partial.fill([]);
  if (typeof block === 'string') throw new Error(`rebuild failed: ${block}`);
  const t2 = performance.now();
  const { status } = await chain.processBlock(block);
  if (status !== 'connected') throw new Error(`block not connected: ${status}`);
  const t3 = performance.now();
  await mempool.idle();
  const t4 = performance.now();
  // The write a live node makes once no block follows (flush-policy.ts), outside the connect.
  await chain.flush();
  const t5 = performance.now();
  if (mempool.size > 0 && mempool.has(block.txs[1].txid())) throw new Error('the mempool kept a mined tx');
  const cpu = process.cpuUsage(cpu0);
  return { decode: t1 - t0, rebuild: t2 - t1, connect: t3 - t2, mempool: t4 - t3, flush: t5 - t4, cpu: (cpu.user + cpu.system) / 1000 };
}


/** Blocks connected first while the JIT warms, as the relay bench's warm-up blocks (compact.ts). */
const WARMUP_ROUNDS = 3;

/** Bench figures: the median of each phase over the rounds after the warm-up. */
export async function compactConnect(rounds = WARMUP_ROUNDS + 5): Promise<Figure[]> {
  const { phases } = await connectRounds(rounds);
  const warm = phases.slice(WARMUP_ROUNDS);
  const median = (pick: (p: Phases) => number) => percentile(warm.map(pick).sort((a, b) => a - b), 50);
  const n = BLOCK_TXS.toLocaleString('en-US');
  return [
    { name: `one node, ${n}-tx compact block, txs in its mempool: decode + rebuild + connect, median`, value: median((p) => p.decode + p.rebuild + p.connect), unit: 'ms' },
    { name: '  of which rebuild from the mempool', value: median((p) => p.decode + p.rebuild), unit: 'ms' },
    { name: '  CPU time of all of it, the write below included (every thread), median', value: median((p) => p.cpu), unit: 'ms' },
    { name: '  then the mempool removing the mined txs (after the tip moved)', value: median((p) => p.mempool), unit: 'ms' },
    { name: '  then writing its chain state to LevelDB (a live node does it once no block follows for 1 s)', value: median((p) => p.flush), unit: 'ms' },
  ];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  return `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|node_modules|bench|test)\//, '$1/')}:${lineNumber + 1}`;
}

/** Self and inclusive time by function, the top `limit` of each, from a V8 CPU profile. */
function summary(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, limit: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const name = frameName(byId.get(id)!.callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(frameName(byId.get(at)!.callFrame));
    for (const frame of seen) inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const rows = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([where, us]) => `${(us / 1000).toFixed(1).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %  ${where}`);
  return [`total sampled ${(total / 1000).toFixed(1)} ms`, '-- self --', ...rows(self), '-- inclusive --', ...rows(inclusive)];
}

if (process.argv[1]?.endsWith('compact-connect.ts')) {
  const profiling = process.argv.includes('--profile');
  const rounds = Number(process.env.ROUNDS ?? 5);
  const { phases, profile } = await connectRounds(rounds, profiling ? Math.min(Number(process.env.PROFILE_FROM ?? 2), rounds - 1) : -1);
  for (const [i, p] of phases.entries()) console.log(`round ${i}: decode ${p.decode.toFixed(1)} rebuild ${p.rebuild.toFixed(1)} connect ${p.connect.toFixed(1)} mempool ${p.mempool.toFixed(1)} flush ${p.flush.toFixed(1)} ms, cpu ${p.cpu.toFixed(1)} ms`);
  if (profile) for (const line of summary(profile as never, 40)) console.log(line);
}
