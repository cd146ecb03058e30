/**
 * The one mining loop with the node's ends (local block assembler, chain.processBlock) on a real
 * chain and the real worker-thread NoncePool: it switches to a new template when the tip moves,
 * and the chain sink tells accepted, duplicate and refused blocks apart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chainSink, localMiner } from '../../src/miner/local-work.js';
import { NoncePool } from '../../src/miner/nonce-pool.js';
import { searchNonces } from '../../src/miner/search.js';
import { type BlockTemplate, templateOnChain } from '../../src/miner/template.js';
import { Block } from '../../src/primitives/index.js';
import { ListTemplateSource } from '../helpers/list-source.js';
import { type FundedChain, fundedChain } from '../helpers/miner-fixtures.js';
import { waitFor } from '../testnet/harness.js';

/** Generous: two worker threads share two cores with the rest of the suite. */
const CEILING_MS = 60_000;

/** Someone else's template on the current tip (its own payout tag), for a competing block. */
function competitorTemplate(f: FundedChain, tag: string): BlockTemplate {
  return templateOnChain(f.h.chain, { params: f.h.params, payoutScript: f.key.script, extraNonce: 0xc0ffeen, coinbaseTag: new TextEncoder().encode(tag), now: 0, source: new ListTemplateSource() });
}

/** Solved in this process with the pure search function (regtest: a few hashes). */
function solve(template: BlockTemplate): Block {
  const { nonce } = searchNonces({ header: template.headerBytes(), target: template.target, startNonce: 0, endNonce: 2 ** 32 });
  assert.ok(nonce !== undefined, 'no nonce solves the competitor');
  return template.withNonce(nonce);
}

describe('the mining loop on a real chain with real workers', () => {
  let f: FundedChain;
  let pool: NoncePool;
  before(async () => {
    f = await fundedChain(2, 'loop');
    pool = new NoncePool({ threads: 2 });
  });
  after(async () => {
    await pool.close();
    await f.h.close();
  });

  test('when the tip moves the loop drops its solution for the old tip and mines a new template on the new one', async () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    // Paced to one block an hour: the second solution waits on the old tip, so the tip can move under it.
    const miner = localMiner({ payoutScript: f.key.script, threads: 2, intervalSeconds: 3600 }, { chain: f.h.chain, source, searcher: pool, params: f.h.params });
    const found: Array<{ hash: string; height: number; status: string }> = [];
    const rejected: string[] = [];
    miner.on('blockFound', (event) => found.push(event));
    miner.on('blockRejected', ({ code }) => rejected.push(code));
    const start = f.h.chain.height;
    miner.start();
    try {
      await waitFor('the first block', async () => found.length === 1, CEILING_MS, 20);
      assert.deepEqual(found[0], { ...found[0], height: start + 1, status: 'connected' });
      assert.equal(f.h.chain.tip.hash, found[0].hash);
      await waitFor('a template on our block', async () => miner.stats().templateHeight === start + 2, CEILING_MS, 20);
      // A competitor's block on our block enters through processBlock, like any peer's.
      const competitor = solve(competitorTemplate(f, '/competitor/'));
      assert.equal((await f.h.chain.processBlock(competitor)).status, 'connected');
      await waitFor('a template on the competitor', async () => miner.stats().templateHeight === start + 3, CEILING_MS, 20);
    } finally {
      await miner.stop();
    }
    assert.equal(found.length, 1, 'the solution for the replaced tip was never submitted');
    assert.deepEqual(rejected, []);
    assert.equal(f.h.chain.height, start + 2);
    assert.equal(miner.stats().blocksFound, 1);
    assert.ok(miner.stats().hashrate > 0, 'the workers hashed');
  });

  test('the chain sink: accepted, duplicate, and a rule error as a refusal with its code', async () => {
    const sink = chainSink(f.h.chain);
    const good = solve(competitorTemplate(f, '/sink/'));
    assert.deepEqual(await sink.submit(good), { accepted: true, status: 'connected' });
    assert.deepEqual(await sink.submit(good), { accepted: false, status: 'duplicate' });
    const template = competitorTemplate(f, '/broken/');
    const broken = new Block(template.block.header.with({ merkleRoot: new Uint8Array(32).fill(7) }), template.block.txs);
    const { nonce } = searchNonces({ header: broken.header.encode(), target: template.target, startNonce: 0, endNonce: 2 ** 32 });
    const outcome = await sink.submit(new Block(broken.header.with({ nonce: nonce! }), broken.txs));
    assert.deepEqual(outcome, { ...outcome, rejected: true, code: 'bad-txnmrklroot' });
  });
});
