import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NonceSearcher } from '../../src/miner/interfaces.js';
import { localMiner } from '../../src/miner/local-work.js';
import { NoncePool } from '../../src/miner/nonce-pool.js';
import { ListTemplateSource } from '../helpers/list-source.js';
import { type FundedChain, fundedChain, spendWithFee } from '../helpers/miner-fixtures.js';

describe('miner with the real worker-thread NoncePool', () => {
  let f: FundedChain;
  let pool: NoncePool;
  before(async () => {
    f = await fundedChain(4, 'pool miner');
    pool = new NoncePool({ threads: 2 });
  });
  after(async () => {
    await pool.close();
    await f.h.close();
  });

  test('mines blocks into the chain through processBlock, a tx included', async () => {
    const searcher: NonceSearcher = pool;
    const source = new ListTemplateSource().addCoins(f.coins);
    f.h.chain.on('blockConnected', ({ block }) => source.removeMined(block));
    const spend = spendWithFee(f.key, f.coins[0], 2_500n).tx;
    source.add(spend);
    const miner = localMiner({ payoutScript: f.key.script, threads: 2 }, { chain: f.h.chain, source, searcher, params: f.h.params });
    const start = f.h.chain.height;
    const found: string[] = [];
    await new Promise<void>((resolve, reject) => {
      miner.on('blockRejected', ({ code }) => reject(new Error(code)));
      miner.on('blockFound', ({ hash, status }) => {
        assert.equal(status, 'connected');
        found.push(hash);
        if (found.length === 3) void miner.stop().then(resolve, reject);
      });
      miner.start();
    });
    assert.equal(f.h.chain.height, start + 3);
    assert.equal(f.h.chain.tip.hash, found[2]);
    const first = (await f.h.chain.getBlock(found[0]))!;
    assert.deepEqual(first.txs.slice(1).map((tx) => tx.txid()), [spend.txid()]);
    assert.equal(miner.stats().blocksFound, 3);
  });
});
