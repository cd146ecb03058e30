import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { Mempool } from '../../src/mempool/mempool.js';
import type { TemplateSource } from '../../src/miner/interfaces.js';
import { localMiner } from '../../src/miner/local-work.js';
import { InProcessSearcher } from '../helpers/in-process-searcher.js';
import { type FundedChain, fundedChain, spendWithFee } from '../helpers/miner-fixtures.js';

describe('miner with the real mempool as its template source', () => {
  let f: FundedChain;
  let mempool: Mempool;
  let unfollow: () => void;
  before(async () => {
    f = await fundedChain(10, 'mempool miner');
    mempool = new Mempool({}, { chain: f.h.chain, params: f.h.params, verifier: new InlineVerifier(), sigCache: f.h.chain.sigCache, now: () => 2_000_000_000 });
    unfollow = mempool.followChain(f.h.chain);
  });
  after(async () => {
    unfollow();
    await f.h.close();
  });

  test('mines the pool by ancestor fee rate (CPFP), then builds on with the mined txs gone', async () => {
    const parent = spendWithFee(f.key, f.coins[0], 200n);
    const child = spendWithFee(f.key, parent.coin, 30_000n);
    const medium = spendWithFee(f.key, f.coins[1], 5_000n);
    for (const tx of [parent.tx, medium.tx, child.tx]) assert.equal((await mempool.acceptTransaction(tx)).status, 'accepted');
    const source: TemplateSource = mempool;
    const miner = localMiner({ payoutScript: f.key.script }, { chain: f.h.chain, source, searcher: new InProcessSearcher(), params: f.h.params });
    const start = f.h.chain.height;
    const rejected: string[] = [];
    miner.on('blockRejected', ({ code }) => rejected.push(code));
    const hashes: string[] = [];
    await new Promise<void>((resolve) => {
      miner.on('blockFound', ({ hash }) => {
        hashes.push(hash);
        if (hashes.length === 3) void miner.stop().then(resolve);
      });
      miner.start();
    });
    assert.deepEqual(rejected, []);
    assert.equal(f.h.chain.height, start + 3);
    const first = (await f.h.chain.getBlock(hashes[0]))!;
    assert.deepEqual(first.txs.slice(1).map((tx) => tx.txid()), [parent.tx.txid(), child.tx.txid(), medium.tx.txid()]);
    assert.equal(first.txs[0].outputs[0].value, 50n * 100_000_000n + 35_200n);
    for (const hash of hashes.slice(1)) assert.equal((await f.h.chain.getBlock(hash))!.txs.length, 1);
    assert.equal(mempool.size, 0);
  });
});
