/**
 * The wallet side of the upkeep calls on a real chain and mempool: abortrescan stops a running
 * rescan with Core's -1; removeprunedfunds and importprunedfunds keep the coin index exact (a
 * removed spend gives its inputs back, a re-imported one takes them again).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Wallet, WalletError } from '../../src/wallet/index.js';
import { importPrunedFunds, removePrunedFunds } from '../../src/wallet/extras/pruned.js';
import type { Branch } from '../helpers/chain-harness.js';
import { COIN, MNEMONIC_A, MNEMONIC_B, type Node, SUBSIDY, assertCoinIndexConsistent, openNode } from './fixture.js';

describe('wallet upkeep on a real chain', () => {
  let node: Node;
  let alice: Wallet;
  let main: Branch;

  before(async () => {
    node = await openNode();
    alice = await node.openWallet({ mnemonic: MNEMONIC_A, name: 'alice' });
    main = node.branchTo(await alice.getNewAddress());
    await node.mine(...main.extend(101));
  });
  after(async () => node.close());

  test('abortRescan: false when idle; a running rescan stops with "Rescan aborted by user." (-1)', async () => {
    assert.equal(alice.abortRescan(), false);
    const rescan = alice.rescan(0).then(
      () => undefined,
      (err: unknown) => err,
    );
    // The rescan reads a block body per height; between reads, the wallet reports it running.
    while (alice.getWalletInfo().scanning === false) await new Promise((resolve) => setImmediate(resolve));
    const scanning = alice.getWalletInfo().scanning;
    assert.ok(scanning && scanning.progress >= 0 && scanning.progress < 1, JSON.stringify(scanning));
    assert.equal(alice.abortRescan(), true);
    assert.equal(alice.abortRescan(), false, 'already stopping');
    const err = await rescan;
    assert.ok(err instanceof WalletError, String(err));
    assert.deepEqual([err.message, err.rpcCode], ['Rescan aborted by user.', -1]);
    assert.equal(alice.getWalletInfo().scanning, false);
    assert.deepEqual(await alice.rescan(0), { start_height: 0, stop_height: 101 }, 'the next rescan runs to the end');
  });

  test('removeprunedfunds gives a removed spend\'s inputs back; importprunedfunds takes them again', async () => {
    const bob = await node.openWallet({ mnemonic: MNEMONIC_B, name: 'bob' });
    const sent = await alice.send([{ address: await bob.getNewAddress(), amount: 10n * COIN }]);
    await node.mine(main.next({ txs: [sent.tx], fees: sent.fee }));
    const spentCoin = sent.tx.inputs[0].prevout;
    const has = (w: Wallet, txid: string, vout: number) => w.listUnspent(0).some((c) => c.txid === txid && c.vout === vout);
    assert.equal(has(alice, spentCoin.txidHex(), spentCoin.index), false);
    const before = alice.getBalance();
    const change = sent.tx.outputs.find((o) => o.value !== 10n * COIN)!.value;

    await alice.withParts((parts) => removePrunedFunds(parts, sent.txid));
    assert.throws(() => alice.getTransaction(sent.txid), /Invalid or non-wallet transaction id/);
    assert.equal(has(alice, spentCoin.txidHex(), spentCoin.index), true, 'its input is a coin again');
    assert.equal(alice.getBalance(), before - change + SUBSIDY, 'the change is gone, the coinbase back');
    assertCoinIndexConsistent(alice, node.mempool);
    await assert.rejects(alice.withParts((parts) => removePrunedFunds(parts, sent.txid)), (err: WalletError) => err.rpcCode === -4 && err.message === `Transaction ${sent.txid} does not belong to this wallet`);

    const entry = node.h.chain.tip;
    await alice.withParts((parts) => importPrunedFunds(parts, sent.tx, { hash: entry.hash, height: entry.height, time: entry.header.time, index: 1 }));
    assert.equal(alice.getTransaction(sent.txid).confirmations, 1);
    assert.equal(has(alice, spentCoin.txidHex(), spentCoin.index), false, 'spent again');
    assert.equal(alice.getBalance(), before);
    assertCoinIndexConsistent(alice, node.mempool);
    // A block the wallet's chain does not hold at that height: Core's -5.
    await assert.rejects(alice.withParts((parts) => importPrunedFunds(parts, sent.tx, { hash: '00'.repeat(32), height: entry.height, time: 0, index: 1 })), (err: WalletError) => err.rpcCode === -5 && err.message === 'Block not found in chain');
  });
});
