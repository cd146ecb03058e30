import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockIndexEntry } from '../../src/chain/block-index.js';
import { DEFAULT_FLUSH_POLICY, FlushPolicy } from '../../src/chain/flush-policy.js';
import { networks } from '../../src/params/index.js';
import { Branch, type Harness, openHarness } from '../helpers/chain-harness.js';
import { waitFor } from '../p2p/helpers.js';

const params = networks.regtest;
const tipAt = (time: number) => ({ time }) as BlockIndexEntry;

describe('flush policy', () => {
  test('right after a block: only a full cache, 5,000 blocks, or a minute since the last write', () => {
    let clock = 0;
    const policy = new FlushPolicy({ ...DEFAULT_FLUSH_POLICY, maxBytes: 1_000 }, () => clock);
    assert.equal(policy.shouldFlush(0), false, 'nothing cached');
    assert.equal(policy.shouldFlush(500), false, 'a block at the tip waits for a pause');
    assert.equal(policy.shouldFlush(1_001), true, 'over --dbcache');
    for (let i = 0; i < 5_000; i++) policy.blockConnected();
    assert.equal(policy.shouldFlush(500), true, '5,000 blocks');
    policy.flushed();
    assert.equal(policy.shouldFlush(500), false);
    clock += 60_000;
    assert.equal(policy.shouldFlush(500), true, 'a minute since the last write');
  });

  test('the pause waited for: 1 s at the tip, 5 s catching up (an old tip, or a burst of blocks)', () => {
    let clock = 1_000_000;
    const policy = new FlushPolicy(DEFAULT_FLUSH_POLICY, () => clock);
    const now = 1_700_000_000;
    assert.equal(policy.delayMs(tipAt(now - 600), now), 1_000);
    assert.equal(policy.delayMs(tipAt(now - 86_401), now), 5_000, 'tip more than a day old');
    for (let i = 0; i < 16; i++) policy.blockConnected();
    assert.equal(policy.delayMs(tipAt(now - 600), now), 5_000, '16 blocks within 2 s');
    clock += 2_000;
    assert.equal(policy.delayMs(tipAt(now - 600), now), 1_000, 'the burst is over');
  });
});

describe('chain at the tip', () => {
  const harnesses: Harness[] = [];
  after(async () => {
    for (const h of harnesses) await h.close();
  });

  test('a block connects without waiting for the write, and its chain state reaches the disk after a pause', async () => {
    const branch = Branch.fromGenesis(params, 7);
    const blocks = branch.extend(3);
    // The clock a few minutes past the last block: the node is at the tip, not catching up.
    const now = blocks[2].header.time + 300;
    const h = await openHarness({ params, modules: { now: () => now } });
    harnesses.push(h);
    for (const block of blocks) {
      const { status } = await h.chain.processBlock(block);
      assert.equal(status, 'connected');
      assert.ok(h.store.cachedRecords > 0, 'processBlock ended before the chain state was written');
    }
    // The write comes once no block has followed for a second (records leave the cache as they land).
    await waitFor(() => h.store.cachedRecords === 0, 30_000, 'the delayed write');
    assert.equal(h.chain.tip.hash, blocks[2].hash());
  });
});
