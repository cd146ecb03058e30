/** The header tree: processHeaders checks headers in context and stores header-only entries whose bodies come later. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { isRuleError } from '../../src/consensus/errors.js';
import { blockProof } from '../../src/consensus/pow.js';
import { defineNetwork, networks } from '../../src/params/index.js';
import { BlockStatus } from '../../src/store/layout.js';
import { Branch, FAR_FUTURE, type Harness, openHarness, processAll } from '../helpers/chain-harness.js';
import { mineHeaders } from '../helpers/headers.js';

describe('header tree', () => {
  const harnesses: Harness[] = [];
  after(async () => Promise.all(harnesses.map((h) => h.close())));
  const open = async (): Promise<Harness> => {
    const h = await openHarness();
    harnesses.push(h);
    return h;
  };

  test('headers are stored header-only ahead of the tip, survive a reopen, and their blocks then connect in any order', async () => {
    const h = await open();
    const branch = Branch.fromGenesis(h.params, 41);
    const blocks = branch.extend(30);
    const outcome = await h.chain.processHeaders(blocks.map((block) => block.header));
    assert.equal(outcome?.added, 30);
    assert.equal(h.chain.bestHeader.hash, branch.tip.hash());
    assert.equal(h.chain.height, 0);
    assert.equal(h.chain.getEntry(blocks[9].hash())!.status, BlockStatus.HEADER_VALID);
    await h.reopen();
    assert.equal(h.chain.bestHeader.height, 30, 'the header tree is persisted');
    assert.equal((await h.chain.processHeaders(blocks.slice(0, 5).map((block) => block.header)))?.added, 0, 'known headers are skipped');
    // A block whose parent is only a header waits; it connects once its parent's body is here.
    assert.equal((await h.chain.processBlock(blocks[1])).status, 'orphan');
    assert.equal((await h.chain.processBlock(blocks[0])).status, 'connected');
    assert.equal(h.chain.height, 2);
    await processAll(h.chain, blocks.slice(2));
    assert.equal(h.chain.tip.hash, branch.tip.hash());
    assert.ok(h.chain.getEntry(blocks[29].hash())!.has(BlockStatus.VALIDATED));
  });

  test('wrong bits, time before the median and time too far ahead are refused, storing nothing', async () => {
    const h = await open();
    const genesis = h.chain.tip;
    const codeOf = async (headers: Parameters<typeof h.chain.processHeaders>[0]): Promise<string> => {
      try {
        await h.chain.processHeaders(headers);
      } catch (err) {
        if (isRuleError(err)) return `${err.code}/${err.action}`;
        throw err;
      }
      return 'stored';
    };
    const wrongBits = mineHeaders(genesis, 20, 0x207ffffe, h.params.powLimit);
    assert.equal(await codeOf(wrongBits), 'bad-diffbits/reject');
    const good = mineHeaders(genesis, 12, 0x207fffff, h.params.powLimit, 600, 1);
    const old = mineHeaders({ hash: good[11].hash(), time: genesis.time - 600 }, 1, 0x207fffff, h.params.powLimit, 600, 2);
    assert.equal(await codeOf([...good, ...old]), 'time-too-old/reject');
    const future = mineHeaders(genesis, 1, 0x207fffff, h.params.powLimit, FAR_FUTURE - genesis.time + 3 * 3600, 3);
    assert.equal(await codeOf(future), 'time-too-new/ignore');
    assert.equal(h.chain.bestHeader.height, 0);
    assert.equal(await codeOf(good), 'stored');
    assert.equal(h.chain.bestHeader.height, 12);
  });

  test('initial block download: below the minimum chain work or with an old tip; latched off; progress by work', async () => {
    const params = defineNetwork({ minimumChainWork: blockProof(0x207fffff) * 11n }, networks.regtest);
    const branch = Branch.fromGenesis(params, 42);
    const blocks = branch.extend(20);
    let clock = blocks[19].header.time;
    const h = await openHarness({ params, modules: { now: () => clock } });
    harnesses.push(h);
    assert.equal(h.chain.isInitialBlockDownload(), true, 'genesis has less than the minimum work');
    await h.chain.processHeaders(blocks.map((block) => block.header));
    await processAll(h.chain, blocks.slice(0, 5));
    const progress = h.chain.verificationProgress();
    assert.ok(Math.abs(progress - 6 / 21) < 1e-6, `progress ${progress}: 6 of 21 blocks' work`);
    assert.equal(h.chain.isInitialBlockDownload(), true, 'still below the minimum work');
    await processAll(h.chain, blocks.slice(5, 12));
    clock = blocks[11].header.time + h.params.maxTipAge + 1;
    assert.equal(h.chain.isInitialBlockDownload(), true, 'enough work, but the tip is more than a day old');
    clock = blocks[11].header.time + 60;
    assert.equal(h.chain.isInitialBlockDownload(), false);
    clock += 10 * h.params.maxTipAge;
    assert.equal(h.chain.isInitialBlockDownload(), false, 'once out, never back in');
    await processAll(h.chain, blocks.slice(12));
    assert.equal(h.chain.verificationProgress(), 1);
  });
});
