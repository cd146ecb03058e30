import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleError } from '../../src/consensus/errors.js';
import { blockSubsidy } from '../../src/consensus/subsidy.js';
import { Block } from '../../src/primitives/index.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, describeCoins, openHarness, processAll, rebuildUtxoSet, storedUtxoSet } from '../helpers/chain-harness.js';

async function expectRule(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof RuleError, `expected RuleError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

async function assertUtxoConsistent(h: Harness): Promise<void> {
  assert.deepEqual(describeCoins(await storedUtxoSet(h.store)), describeCoins(await rebuildUtxoSet(h.chain)));
}

describe('chain scenarios', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
  });
  after(async () => h.close());

  test('a fresh store starts at genesis', () => {
    assert.equal(h.chain.height, 0);
    assert.equal(h.chain.tip.hash, h.params.genesisHash);
  });

  test('a linear chain connects block by block, with events', async () => {
    const main = Branch.fromGenesis(h.params, 1);
    const connected: number[] = [];
    const listener = ({ entry }: { entry: { height: number } }) => connected.push(entry.height);
    h.chain.on('blockConnected', listener);
    for (const block of main.extend(5)) assert.equal((await h.chain.processBlock(block)).status, 'connected');
    h.chain.off('blockConnected', listener);
    assert.deepEqual(connected, [1, 2, 3, 4, 5]);
    assert.equal(h.chain.height, 5);
    assert.equal((await h.chain.processBlock(main.at(3))).status, 'duplicate');
  });
});

describe('forks and reorgs', () => {
  let h: Harness;
  let main: Branch;
  before(async () => {
    h = await openHarness();
    main = Branch.fromGenesis(h.params, 1);
    await processAll(h.chain, main.extend(12));
  });
  after(async () => h.close());

  test('equal work keeps the first-seen tip; one more block reorganises (depth 1)', async () => {
    const fork = main.forkAt(11, 2);
    const sibling = fork.next();
    assert.equal((await h.chain.processBlock(sibling)).status, 'side-chain');
    assert.equal(h.chain.tip.hash, main.tip.hash(), 'first seen wins on equal work');
    const reorgs: number[] = [];
    h.chain.once('reorg', ({ depth }) => reorgs.push(depth));
    assert.equal((await h.chain.processBlock(fork.next())).status, 'connected');
    assert.deepEqual(reorgs, [1]);
    assert.equal(h.chain.tip.hash, fork.tip.hash());
    main = fork;
    await assertUtxoConsistent(h);
  });

  test('depth 2 and depth 10 reorganisations, then back again', async () => {
    for (const depth of [2, 10]) {
      const fork = main.forkAt(main.height - depth, 10 + depth);
      const blocks = fork.extend(depth + 1);
      const reorgs: number[] = [];
      h.chain.once('reorg', ({ depth: d }) => reorgs.push(d));
      await processAll(h.chain, blocks);
      assert.deepEqual(reorgs, [depth]);
      assert.equal(h.chain.tip.hash, fork.tip.hash());
      // The old branch comes back with two more blocks.
      const back = main;
      const reorgsBack: number[] = [];
      h.chain.once('reorg', ({ depth: d }) => reorgsBack.push(d));
      await processAll(h.chain, back.extend(2));
      assert.deepEqual(reorgsBack, [depth + 1]);
      assert.equal(h.chain.tip.hash, back.tip.hash());
      await assertUtxoConsistent(h);
    }
  });

  test('orphans arriving in reverse order are connected when their parent arrives', async () => {
    const blocks = main.extend(6);
    for (const block of blocks.slice(1).reverse()) {
      const result = await h.chain.processBlock(block);
      assert.equal(result.status, 'orphan');
      // Each arrives before its parent, so the parent is the earliest block still missing.
      assert.equal(result.missing, block.header.prevHashHex());
      assert.ok(h.chain.hasOrphan(block.hash()));
    }
    assert.equal((await h.chain.processBlock(blocks[0])).status, 'connected');
    assert.equal(h.chain.tip.hash, blocks[5].hash());
  });

  test('the tip, the block tree and the UTXO set survive a reopen', async () => {
    const tip = h.chain.tip.hash;
    const size = h.chain.tree.size;
    await h.reopen();
    assert.equal(h.chain.tip.hash, tip);
    assert.equal(h.chain.tree.size, size);
    await assertUtxoConsistent(h);
  });
});

describe('invalid blocks', () => {
  let h: Harness;
  let main: Branch;
  before(async () => {
    h = await openHarness();
    main = Branch.fromGenesis(h.params, 1);
    await processAll(h.chain, main.extend(5));
  });
  after(async () => h.close());

  test('a block failing to connect is refused and remembered; its children are refused too', async () => {
    const bad = Branch.on(h.params, main.tip, main.height, 7);
    const block = bad.next({ coinbaseValue: blockSubsidy(6, h.params) + 1n });
    // Coinbase overpay is caught only when connecting: bad-cb-amount.
    await expectRule(h.chain.processBlock(block), 'bad-cb-amount');
    assert.equal(h.chain.tip.hash, main.tip.hash());
    await expectRule(h.chain.processBlock(block), 'duplicate-invalid');
    await expectRule(h.chain.processBlock(bad.next()), 'bad-prevblk');
  });

  test('an invalid block deep inside a fork with more work: the chain stays on the best valid tip', async () => {
    const fork = main.forkAt(3, 20);
    const good = fork.next();
    const invalid = fork.next({ coinbaseValue: blockSubsidy(5, h.params) * 2n });
    const after = fork.extend(3);
    assert.equal((await h.chain.processBlock(good)).status, 'side-chain');
    // Stored as side-chain: the fork does not have more work yet, so nothing is connected.
    // Equal work with the tip: stored, not connected, so its overpaying coinbase is not seen yet.
    assert.equal((await h.chain.processBlock(invalid)).status, 'side-chain');
    // Now the fork has more work: the reorg reaches `invalid`, fails, and returns to the main chain.
    const invalids: string[] = [];
    h.chain.once('blockInvalid', ({ entry }) => invalids.push(entry.hash));
    await expectRule(h.chain.processBlock(after[0]), 'bad-cb-amount');
    assert.deepEqual(invalids, [invalid.hash()]);
    assert.equal(h.chain.tip.hash, main.tip.hash());
    assert.ok(h.chain.getEntry(after[0].hash())!.isFailed());
    await expectRule(h.chain.processBlock(after[1]), 'bad-prevblk');
    await assertUtxoConsistent(h);
  });

  test('a block whose transactions do not match its merkle root is refused, not marked invalid: the same header with the right transactions is accepted', async () => {
    const good = main.next();
    const coinbase = good.txs[0];
    const mutated = new Block(good.header, [coinbase, coinbase]);
    await expectRule(h.chain.processBlock(mutated), 'bad-txnmrklroot');
    assert.equal((await h.chain.processBlock(good)).status, 'connected');

  });
});

describe('spending across forks', () => {
  let h: Harness;
  const alice = new TestKey('alice');
  const bob = new TestKey('bob');
  const carol = new TestKey('carol');
  let main: Branch;
  before(async () => {
    h = await openHarness();
    main = Branch.fromGenesis(h.params, 1, alice.script);
    await processAll(h.chain, main.extend(101));
  });
  after(async () => h.close());

  test('a coinbase cannot be spent before 100 confirmations', async () => {
    const young = main.at(3); // height 3: 99 confirmations at height 102
    const subsidy = blockSubsidy(3, h.params);
    const spend = alice.spend([{ outpoint: coinbaseOutpoint(young), value: subsidy }], [{ value: subsidy - 1000n, script: bob.script }]);
    const attempt = Branch.on(h.params, main.tip, main.height, 40, alice.script).next({ txs: [spend], fees: 1000n });
    await expectRule(h.chain.processBlock(attempt), 'bad-txns-premature-spend-of-coinbase');
  });

  test('a bad signature is refused with the script error', async () => {
    const subsidy = blockSubsidy(1, h.params);
    const signedByBob = bob.spend([{ outpoint: coinbaseOutpoint(main.at(1)), value: subsidy }], [{ value: subsidy - 1000n, script: bob.script }]);
    // Right witness shape, wrong key: bob's key does not hash to alice's program.
    const attempt = Branch.on(h.params, main.tip, main.height, 41, alice.script).next({ txs: [signedByBob], fees: 1000n });
    await expectRule(h.chain.processBlock(attempt), 'mandatory-script-verify-flag-failed');
    // Alice's key, but signing a different amount: a valid-looking signature that does not verify.
    const wrongAmount = alice.spend([{ outpoint: coinbaseOutpoint(main.at(1)), value: subsidy + 1n }], [{ value: subsidy - 1000n, script: bob.script }]);
    const attempt2 = Branch.on(h.params, main.tip, main.height, 42, alice.script).next({ txs: [wrongAmount], fees: 1000n });
    await expectRule(h.chain.processBlock(attempt2), 'mandatory-script-verify-flag-failed');
  });

  test('a double spend in the losing fork: after the reorg only the winning spend exists', async () => {
    const subsidy = blockSubsidy(1, h.params);
    const coin = { outpoint: coinbaseOutpoint(main.at(1)), value: subsidy };
    const toBob = alice.spend([coin], [{ value: subsidy - 1000n, script: bob.script }]);
    const toCarol = alice.spend([coin], [{ value: subsidy - 2000n, script: carol.script }]);
    const fork = main.forkAt(101, 50, alice.script);
    await h.chain.processBlock(main.next({ txs: [toBob], fees: 1000n }));
    assert.ok(await h.chain.getCoin(coinbaseOutpoint({ txs: [toBob] } as unknown as Block)));
    await processAll(h.chain, [fork.next({ txs: [toCarol], fees: 2000n }), fork.next()]);
    assert.equal(h.chain.tip.hash, fork.tip.hash());
    assert.equal(await h.chain.getCoin(coinbaseOutpoint({ txs: [toBob] } as unknown as Block)), undefined);
    const carolCoin = await h.chain.getCoin(coinbaseOutpoint({ txs: [toCarol] } as unknown as Block));
    assert.equal(carolCoin?.value, subsidy - 2000n);
    await assertUtxoConsistent(h);
    main = fork;
  });

  test('a chain of spends inside one block; a double spend, and a spend of a later tx\'s output, inside one block', async () => {
    const subsidy = blockSubsidy(2, h.params);
    const first = alice.spend([{ outpoint: coinbaseOutpoint(main.at(2)), value: subsidy }], [{ value: subsidy - 1000n, script: bob.script }]);
    const second = bob.spend([{ outpoint: coinbaseOutpoint({ txs: [first] } as unknown as Block), value: subsidy - 1000n }], [{ value: subsidy - 3000n, script: carol.script }]);
    const doubled = Branch.on(h.params, main.tip, main.height, 60, alice.script).next({ txs: [first, first], fees: 2000n });
    await expectRule(h.chain.processBlock(doubled), 'bad-txns-inputs-missingorspent');
    // The same coin spent by two different txs, and a tx spending an output of a later tx.
    const rival = alice.spend([{ outpoint: coinbaseOutpoint(main.at(2)), value: subsidy }], [{ value: subsidy - 2000n, script: carol.script }]);
    const branch = () => Branch.on(h.params, main.tip, main.height, 60, alice.script);
    await expectRule(h.chain.processBlock(branch().next({ txs: [first, rival], fees: 3000n })), 'bad-txns-inputs-missingorspent');
    await expectRule(h.chain.processBlock(branch().next({ txs: [second, first], fees: 3000n })), 'bad-txns-inputs-missingorspent');
    const chained = main.next({ txs: [first, second], fees: 3000n });
    assert.equal((await h.chain.processBlock(chained)).status, 'connected');
    await assertUtxoConsistent(h);
  });
});
