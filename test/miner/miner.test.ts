import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MinerChain, NonceJob, NonceResult, NonceSearcher } from '../../src/miner/interfaces.js';
import { type LocalWorkOptions, localMiner } from '../../src/miner/local-work.js';
import type { Miner, MinerOptions } from '../../src/miner/miner.js';
import { buildBlockTemplate } from '../../src/miner/template.js';
import type { Block } from '../../src/primitives/index.js';
import { InProcessSearcher } from '../helpers/in-process-searcher.js';
import { ListTemplateSource } from '../helpers/list-source.js';
import { type FundedChain, fundedChain, spendWithFee } from '../helpers/miner-fixtures.js';

/** The real chain, recording every block the miner submits. */
function recordingChain(f: FundedChain): { chain: MinerChain; submitted: Block[] } {
  const real = f.h.chain;
  const submitted: Block[] = [];
  const chain: MinerChain = {
    get tip() {
      return real.tip;
    },
    nextBits: () => real.nextBits(),
    medianTimePast: () => real.medianTimePast(),
    processBlock: (block) => {
      submitted.push(block);
      return real.processBlock(block);
    },
    on: (event, listener) => real.on(event, listener),
    off: (event, listener) => real.off(event, listener),
  };
  return { chain, submitted };
}

/** A source that follows the chain, as the mempool does: mined txs leave it. */
function followingSource(f: FundedChain): ListTemplateSource {
  const source = new ListTemplateSource().addCoins(f.coins);
  f.h.chain.on('blockConnected', ({ block }) => source.removeMined(block));
  return source;
}

function makeMiner(f: FundedChain, searcher: NonceSearcher, chain: MinerChain, source: ListTemplateSource, options: Partial<LocalWorkOptions & MinerOptions> = {}): Miner {
  return localMiner({ payoutScript: f.key.script, ...options }, { chain, source, searcher, params: f.h.params });
}

/** Resolves after `count` blockFound events, stopping the miner at the last one. */
function mineBlocks(miner: Miner, count: number): Promise<Array<{ hash: string; height: number; status: string }>> {
  const found: Array<{ hash: string; height: number; status: string }> = [];
  return new Promise((resolve, reject) => {
    miner.on('blockRejected', (event) => reject(new Error(`block rejected: ${event.code} ${event.message}`)));
    miner.on('blockFound', (event) => {
      found.push(event);
      if (found.length === count) miner.stop().then(() => resolve(found), reject);
    });
    miner.start();
  });
}

/** Wraps a searcher so the first `n` jobs come back exhausted, as a full 2^32 range would. */
class ExhaustFirst implements NonceSearcher {
  constructor(
    private readonly inner: InProcessSearcher,
    private n: number,
  ) {}
  readonly jobs: NonceJob[] = [];
  mine(job: NonceJob): Promise<NonceResult> {
    this.jobs.push(job);
    if (this.n-- > 0) return Promise.resolve({ exhausted: true });
    return this.inner.mine(job);
  }
  cancel(): void {
    this.inner.cancel();
  }
  hashrate() {
    return this.inner.hashrate();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('miner on a real chain', () => {
  let f: FundedChain;
  const miners: Miner[] = [];
  before(async () => {
    f = await fundedChain(20);
  });
  afterEach(async () => {
    for (const miner of miners.splice(0)) await miner.stop();
  });
  after(async () => f.h.close());

  test('the Chain itself satisfies MinerChain', () => {
    const chain: MinerChain = f.h.chain;
    assert.equal(chain.tip.height, f.h.chain.height);
  });

  test('mines N blocks into the chain, with the source txs in the first, and stop() ends the loop', async () => {
    const source = followingSource(f);
    const spends = [3_000n, 1_000n, 2_000n].map((fee, i) => spendWithFee(f.key, f.coins[i], fee).tx);
    for (const tx of spends) source.add(tx);
    const searcher = new InProcessSearcher();
    const { chain, submitted } = recordingChain(f);
    const miner = makeMiner(f, searcher, chain, source, { coinbaseTag: new TextEncoder().encode('/test/') });
    miners.push(miner);
    const startHeight = f.h.chain.height;
    const found = await mineBlocks(miner, 4);
    assert.deepEqual(found.map(({ height }) => height), [1, 2, 3, 4].map((i) => startHeight + i));
    assert.ok(found.every(({ status }) => status === 'connected'));
    assert.equal(f.h.chain.height, startHeight + 4);
    assert.equal(f.h.chain.tip.hash, found[3].hash);
    assert.equal(submitted.length, 4);
    const first = submitted[0];
    assert.deepEqual(new Set(first.txs.slice(1).map((tx) => tx.txid())), new Set(spends.map((tx) => tx.txid())));
    assert.equal(source.size, 0, 'the mined txs left the source');
    const stats = miner.stats();
    assert.equal(stats.blocksFound, 4);
    assert.equal(stats.running, false);
    assert.equal(stats.templateHeight, startHeight + 4);
    assert.ok(stats.hashrate > 0);
    assert.equal(searcher.idleCancels, 0, 'our own blocks arrive between jobs, never cancelling an idle searcher');
  });

  test('a tipChanged from someone else cancels the running job; the next block builds on the new tip', async () => {
    const searcher = new InProcessSearcher();
    const { chain, submitted } = recordingChain(f);
    const miner = makeMiner(f, searcher, chain, followingSource(f));
    miners.push(miner);
    const parked = searcher.hold();
    const found = mineBlocks(miner, 1);
    await parked;
    const oldTip = f.h.chain.tip.hash;
    const oldPrev = searcher.jobs.at(-1)!.header.slice(4, 36);
    // A competitor's block on the same tip, entering through processBlock like any peer's.
    const competitor = await competitorBlock(f);
    assert.equal((await f.h.chain.processBlock(competitor)).status, 'connected');
    const [ours] = await found;
    assert.equal(searcher.cancelledJobs, 1, 'the parked job was cancelled');
    assert.ok(Buffer.from(oldPrev).equals(Buffer.from(f.h.chain.getEntry(oldTip)!.hashBytes)), 'the cancelled job was on the old tip');
    assert.equal(submitted.length, 1);
    assert.equal(submitted[0].header.prevHashHex(), competitor.hash(), 'built on the new tip');
    assert.equal(ours.status, 'connected');
    assert.equal(f.h.chain.tip.hash, ours.hash);
  });

  test('a solution for a replaced tip is dropped, never submitted, even if the searcher missed the cancel', async () => {
    const inner = new InProcessSearcher();
    let cancels = 0;
    // A searcher that lost the cancel race: it answers the old job with a real nonce.
    const deaf: NonceSearcher = {
      mine: (job) => inner.mine(job),
      cancel: () => void cancels++,
      hashrate: () => inner.hashrate(),
      close: () => inner.close(),
    };
    const { chain, submitted } = recordingChain(f);
    const miner = makeMiner(f, deaf, chain, followingSource(f));
    miners.push(miner);
    const parked = inner.hold();
    const found = mineBlocks(miner, 1);
    await parked;
    const competitor = await competitorBlock(f);
    assert.equal((await f.h.chain.processBlock(competitor)).status, 'connected');
    inner.release();
    const [ours] = await found;
    assert.equal(cancels, 1);
    assert.ok(inner.jobs.length >= 2, 'the stale solution was followed by a job on the new tip');
    assert.ok(submitted.every((block) => block.header.prevHashHex() === competitor.hash()), 'nothing submitted on the old tip');
    assert.equal(f.h.chain.getEntry(ours.hash)!.parent!.hash, competitor.hash());
  });

  test('an exhausted range moves to the next extranonce on the same tip', async () => {
    const searcher = new ExhaustFirst(new InProcessSearcher(), 2);
    const { chain } = recordingChain(f);
    const miner = makeMiner(f, searcher, chain, followingSource(f));
    miners.push(miner);
    const tip = f.h.chain.tip.hash;
    const [ours] = await mineBlocks(miner, 1);
    assert.equal(searcher.jobs.length, 3);
    const roots = new Set(searcher.jobs.map((job) => Buffer.from(job.header.subarray(36, 68)).toString('hex')));
    assert.equal(roots.size, 3, 'each job has a new merkle root (new extranonce)');
    assert.ok(searcher.jobs.every((job) => Buffer.from(job.header.subarray(4, 36)).equals(Buffer.from(f.h.chain.getEntry(tip)!.hashBytes))));
    assert.equal(f.h.chain.getEntry(ours.hash)!.parent!.hash, tip);
  });

  test('every refreshSeconds a changed source cancels the job and the better template is mined', async () => {
    const searcher = new InProcessSearcher();
    const source = followingSource(f);
    const { chain, submitted } = recordingChain(f);
    const miner = makeMiner(f, searcher, chain, source, { refreshSeconds: 0.05 });
    miners.push(miner);
    const parked = searcher.hold();
    const found = mineBlocks(miner, 1);
    await parked;
    assert.equal(miner.stats().templateHeight, f.h.chain.height + 1);
    const late = spendWithFee(f.key, f.coins[10], 7_000n).tx;
    source.add(late);
    const [ours] = await found;
    assert.equal(searcher.cancelledJobs, 1);
    assert.deepEqual(submitted.at(-1)!.txs.slice(1).map((tx) => tx.txid()), [late.txid()]);
    assert.equal(f.h.chain.tip.hash, ours.hash);
  });

  test('stop() while a job runs cancels it and resolves; start() again resumes', async () => {
    const searcher = new InProcessSearcher();
    const { chain } = recordingChain(f);
    const miner = makeMiner(f, searcher, chain, followingSource(f));
    const parked = searcher.hold();
    miner.start();
    await parked;
    assert.equal(miner.stats().running, true);
    await miner.stop();
    assert.equal(miner.stats().running, false);
    assert.equal(searcher.cancelledJobs, 1);
    const height = f.h.chain.height;
    const [again] = await mineBlocks(miner, 1);
    assert.equal(again.height, height + 1);
  });

  test('a payout script our chain would refuse is a constructor error', () => {
    const { chain } = recordingChain(f);
    assert.throws(() => localMiner({ payoutScript: Uint8Array.of(0x51) }, { chain, source: new ListTemplateSource(), searcher: new InProcessSearcher(), params: f.h.params }), RangeError);
  });
});

/** Another miner's block on the current tip (different coinbase tag and payout), solved for real. */
async function competitorBlock(f: FundedChain): Promise<Block> {
  const chain = f.h.chain;
  const template = buildBlockTemplate({
    tip: chain.tip,
    bits: chain.nextBits(),
    medianTimePast: chain.medianTimePast(),
    params: chain.params,
    payoutScript: f.key.script,
    extraNonce: 0xc0ffeen,
    coinbaseTag: new TextEncoder().encode('/someone-else/'),
    now: 0,
    source: new ListTemplateSource(),
  });
  const result = await new InProcessSearcher().mine({ header: template.headerBytes(), target: template.target });
  assert.ok('nonce' in result);
  return template.withNonce(result.nonce);
}
