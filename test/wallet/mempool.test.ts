import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { Mempool } from '../../src/mempool/index.js';
import { Wallet } from '../../src/wallet/index.js';
import type { Branch } from '../helpers/chain-harness.js';
import { COIN, MNEMONIC_A, MNEMONIC_B, type Node, SUBSIDY, assertCoinIndexConsistent, closeWallet, openNode, params } from './fixture.js';

describe('unconfirmed transactions leaving the mempool', () => {
  let node: Node;
  let alice: Wallet;
  let bob: Wallet;
  let main: Branch;

  before(async () => {
    node = await openNode();
    alice = await node.openWallet({ mnemonic: MNEMONIC_A });
    bob = await node.openWallet({ mnemonic: MNEMONIC_B });
    main = node.branchTo(await alice.getNewAddress());
    await node.mine(...main.extend(102));
  });
  after(async () => node.close());
  afterEach(async () => {
    await node.settle();
    for (const wallet of node.wallets) assertCoinIndexConsistent(wallet, node.mempool);
  });

  test('an expired payment is forgotten: the sender gets its coins back, the receiver loses the pending amount', async (t) => {
    const before = alice.getBalances().mine;
    const started = performance.now();
    const sent = await alice.send([{ address: await bob.getNewAddress(), amount: 3n * COIN }]);
    t.diagnostic(`send (select, sign, mempool accept, record) took ${(performance.now() - started).toFixed(1)} ms`);
    await node.settle();
    assert.equal(alice.getBalance(), before.trusted - 3n * COIN - sent.fee);
    assert.equal(bob.getBalances().mine.untrusted_pending, 3n * COIN);
    node.clock.now += 337 * 3600; // past the mempool's two-week expiry
    await node.mine(main.next());
    assert.ok(!node.mempool.has(sent.txid));
    assert.deepEqual(alice.getBalances().mine, { ...before, trusted: before.trusted + SUBSIDY });
    assert.deepEqual(bob.getBalances().mine, { trusted: 0n, untrusted_pending: 0n, immature: 0n });
    const entry = alice.listTransactions(5).find((e) => e.txid === sent.txid)!;
    assert.deepEqual([entry.category, entry.abandoned, entry.confirmations], ['send', true, 0]);
    // The coins it spent can be spent again.
    const again = await alice.send([{ address: await bob.getNewAddress(), amount: 3n * COIN }]);
    await node.settle();
    assert.ok(node.mempool.has(again.txid));
  });

  test('after a restart with an empty mempool, the wallet resubmits its unconfirmed transactions', async () => {
    const dir = node.dirs[0];
    const pending = [...node.mempool.entries()].map((e) => e.txid);
    assert.equal(pending.length, 1);
    await closeWallet(node, alice);
    // A node restart: the chain is on disk, the mempool starts empty.
    const mempool = new Mempool({}, { chain: node.h.chain, params, verifier: new InlineVerifier(), sigCache: node.h.chain.sigCache, now: () => node.clock.now });
    const reopened = await Wallet.open({ dir, params }, { chain: node.h.chain, mempool, now: () => node.clock.now });
    try {
      assert.ok(mempool.has(pending[0]), 'resubmitted');
      assert.equal(reopened.getTransaction(pending[0]).trusted, true);
    } finally {
      await reopened.close();
    }
  });
});
