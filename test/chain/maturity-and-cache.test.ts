import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleError } from '../../src/consensus/errors.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, openHarness, processAll } from '../helpers/chain-harness.js';
import { CountingVerifier } from '../helpers/counting-verifier.js';


describe('coinbase maturity across a reorg, and the signature cache', () => {
  const key = new TestKey('maturity');
  const verifier = new CountingVerifier();
  let h: Harness;
  let main: Branch;
  before(async () => {
    h = await openHarness({ verifier });
    main = Branch.fromGenesis(h.params, 1, key.script);
    await processAll(h.chain, main.extend(102));
  });
  after(async () => h.close());

  function spendCoinbaseOf(height: number) {
    const source = main.at(height);
    const value = source.txs[0].outputs[0].value;
    return key.spend([{ outpoint: coinbaseOutpoint(source), value }], [{ value: value - 1_000n, script: key.script }]);
  }

  test('a spend mature on the main chain is premature one block lower on a fork, and that fork is refused', async () => {
    // Block 2's coinbase: spendable at height 102 (100 confirmations), not at 101.
    const spend = spendCoinbaseOf(2);
    const mainSpend = main.next({ txs: [spend], fees: 1_000n });
    assert.equal((await h.chain.processBlock(mainSpend)).status, 'connected');
    // A fork from height 100 carrying the same spend at height 101: more work once it has 4 blocks.
    const fork = main.forkAt(100, 2, key.script);
    const early = fork.next({ txs: [spend], fees: 1_000n });
    const rest = fork.extend(3);
    assert.equal((await h.chain.processBlock(early)).status, 'side-chain');
    // 102' and 103' leave the fork at most level with the main chain's 103: no reorg yet.
    await processAll(h.chain, rest.slice(0, 2));
    assert.equal(h.chain.tip.hash, mainSpend.hash());
    await assert.rejects(h.chain.processBlock(rest[2]), (err: unknown) => err instanceof RuleError && err.code === 'bad-txns-premature-spend-of-coinbase');
    assert.equal(h.chain.tip.hash, mainSpend.hash(), 'back on the main chain, spend intact');
    assert.equal(await h.chain.getCoin(coinbaseOutpoint(main.at(2))), undefined);
  });

  test('blocks reconnected by a reorg back do not verify their signatures again', async () => {
    // Fork below the block with the spend, overtake, then let main overtake again.
    const fork = main.forkAt(101, 3, key.script);
    await processAll(h.chain, fork.extend(3));
    assert.equal(h.chain.tip.hash, fork.tip.hash());
    const before = verifier.verified;
    await processAll(h.chain, main.extend(3));
    assert.equal(h.chain.tip.hash, main.tip.hash());
    assert.equal(verifier.verified, before, 'the reconnected spend was answered by the signature cache');
    assert.ok(h.chain.sigCache.size > 0);
  });
});
