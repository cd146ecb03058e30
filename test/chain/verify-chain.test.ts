import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutPoint } from '../../src/primitives/index.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, openHarness, processAll, storedUtxoSet } from '../helpers/chain-harness.js';
import { crashParams } from './fixtures/crash-scenario.js';

describe('verifyChain and the UTXO summary', () => {
  let h: Harness;
  let main: Branch;
  const key = new TestKey('verify');
  before(async () => {
    h = await openHarness({ params: crashParams });
    main = Branch.fromGenesis(crashParams, 1, key.script);
    await processAll(h.chain, main.extend(4));
    for (let i = 0; i < 6; i++) {
      const source = main.at(main.height - 2);
      const value = source.txs[0].outputs[0].value;
      const spend = key.spend([{ outpoint: coinbaseOutpoint(source), value }], [{ value: value - 500n, script: key.script }]);
      await h.chain.processBlock(main.next({ txs: [spend], fees: 500n }));
    }
    const fork = main.forkAt(main.height - 3, 2);
    await processAll(h.chain, fork.extend(4));
    main = fork;
  });
  after(async () => h.close());

  test('a healthy chain verifies at every level, to any depth', async () => {
    for (const level of [0, 1, 2, 3] as const) {
      const result = await h.chain.verifyChain(0, level);
      assert.deepEqual(result, { ok: true, checked: h.chain.height }, `level ${level}`);
    }
    assert.equal((await h.chain.verifyChain(3, 3)).checked, 3);
  });

  test('utxoStats agrees with the stored set', async () => {
    const coins = await storedUtxoSet(h.store);
    const stats = await h.chain.utxoStats();
    assert.equal(stats.count, coins.size);
    assert.equal(stats.totalAmount, [...coins.values()].reduce((sum, coin) => sum + coin.value, 0n));
    assert.equal(Buffer.from(stats.tip!).toString('hex'), Buffer.from(h.chain.tip.hashBytes).toString('hex'));
  });

  test('a UTXO entry changed behind the chain\'s back is found at level 3', async () => {
    const tipBlock = (await h.chain.getBlock(h.chain.tip.hash))!;
    const outpoint = new OutPoint(tipBlock.txs[0].txidBytes(), 0);
    const coin = (await h.chain.getCoin(outpoint))!;
    await h.store.batch().addCoin(outpoint, { ...coin, value: coin.value + 1n }).write();
    const result = await h.chain.verifyChain(0, 3);
    assert.equal(result.ok, false);
    assert.equal(result.failure?.height, h.chain.height);
    assert.match(result.failure!.reason, /different/);
    assert.equal((await h.chain.verifyChain(0, 2)).ok, true, 'level 2 does not look at the UTXO set');
    await h.store.batch().addCoin(outpoint, coin).write();
    assert.equal((await h.chain.verifyChain(0, 3)).ok, true);
  });

  test('missing undo data is found at level 2', async () => {
    // The highest block that spent something (the fork's blocks are empty).
    let entry = h.chain.tip;
    while ((await h.store.getUndo(entry.hashBytes))!.length === 0) entry = entry.parent!;
    const undo = (await h.store.getUndo(entry.hashBytes))!;
    await h.store.batch().putUndo(entry.hashBytes, undo.slice(1)).write();
    const result = await h.chain.verifyChain(0, 2);
    assert.equal(result.ok, false);
    assert.equal(result.failure?.height, entry.height);
    await h.store.batch().putUndo(entry.hashBytes, undo).write();
  });
});
