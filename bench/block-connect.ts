/**
 * Connecting one 2,000-tx block on a single node (real LevelDB, the node's worker-pool
 * verifier): warm, every tx already accepted into the node's mempool (as a relayed block finds
 * them: signatures and scripts cached, spent coins read while accepting), and cold, a node that
 * never saw the txs. The coin cache is flushed to disk first, as the idle flush does while a
 * node waits for the next block. Figures: median wall time of processBlock over ROUNDS blocks,
 * the CPU time it took, and the ECDSA checks that reached the verifier (0 when warm).
 */
import { Mempool } from '../src/mempool/index.js';
import { Block, type Transaction } from '../src/primitives/index.js';
import { type SignatureVerifier, WorkerPoolVerifier } from '../src/verify/sig-verifier.js';
import type { SignatureCheck } from '../src/consensus/p2wpkh.js';
import { type Branch, openHarness } from '../test/helpers/chain-harness.js';
import { params } from '../test/p2p/helpers.js';
import type { Figure } from './measure.js';
import { paymentSets } from './payment-sets.js';

const BLOCK_TXS = 2_000;
const ROUNDS = 3;

/** The node's verifier, counting the checks the caches did not answer. */
class Counted implements SignatureVerifier {
  verified = 0;
  constructor(private readonly inner: SignatureVerifier) {}
  verifyAll(checks: readonly SignatureCheck[]): Promise<number> {
    this.verified += checks.length;
    return this.inner.verifyAll(checks);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Fixture {
  funding: Block[];
  /** ROUNDS sets of BLOCK_TXS payments, each spending one output of a fan-out tx. */
  sets: Transaction[][];
  branch: Branch;
}

function fixture(): Fixture {
  return paymentSets(70, ROUNDS, BLOCK_TXS);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function connectRounds(fx: Fixture, warm: boolean): Promise<Figure[]> {
  const verifier = new Counted(new WorkerPoolVerifier());
  const h = await openHarness({ params, verifier });
  const mempool = new Mempool({}, { chain: h.chain, params, verifier, sigCache: h.chain.sigCache, scriptCache: h.chain.scriptCache });
  const unfollow = mempool.followChain(h.chain);
  const walls: number[] = [];
  const cpus: number[] = [];
  let verified = 0;
  try {
    for (const block of fx.funding) await h.chain.processBlock(block);
    const branch = fx.branch.forkAt(fx.branch.height, warm ? 71 : 72);
    for (const txs of fx.sets) {
      let block = branch.next({ txs, fees: 1_000n * BigInt(txs.length) });
      if (warm) for (const tx of txs) await mempool.acceptTransaction(tx);
      // Cold: a block off the wire, nothing about its txs computed yet.
      else block = Block.decode(block.encode());
      await h.chain.flush();
      await mempool.idle();
      const before = verifier.verified;
      const cpu = process.cpuUsage();
      const start = performance.now();
      const { status } = await h.chain.processBlock(block);
      walls.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
      verified += verifier.verified - before;
      if (status !== 'connected') throw new Error(`the block did not connect: ${status}`);
      await mempool.idle();
    }
  } finally {
    unfollow();
    await mempool.idle();
    await h.close();
    await verifier.close();
  }
  const mode = warm ? 'all txs in the mempool (sigs and scripts cached)' : 'cold (txs never seen)';
  const n = BLOCK_TXS.toLocaleString('en-US');
  return [
    { name: `connect a ${n}-tx block, ${mode}, median`, value: median(walls), unit: 'ms' },
    { name: `  same, CPU time of this process (workers included)`, value: median(cpus), unit: 'ms' },
    { name: `  same, ECDSA checks reaching the verifier per block`, value: verified / ROUNDS, unit: 'checks' },
  ];
}

export async function blockConnect(): Promise<Figure[]> {
  const fx = fixture();
  return [...(await connectRounds(fx, true)), ...(await connectRounds(fx, false))];
}
