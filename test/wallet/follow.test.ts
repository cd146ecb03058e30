import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signTransaction } from '../../src/consensus/p2wpkh.js';
import { AddressError, Transaction, addressToScript } from '../../src/primitives/index.js';
import { type Wallet, WalletError, decodeWif } from '../../src/wallet/index.js';
import type { Branch } from '../helpers/chain-harness.js';
import { payTo } from '../helpers/builders.js';
import { COIN, MNEMONIC_A, MNEMONIC_B, type Node, SUBSIDY, assertCoinIndexConsistent, closeWallet, openNode, paidTo, params } from './fixture.js';

const MATURE_DEPTH = params.coinbaseMaturity + 1;

/** Sum of alice's coinbases (heights 1..last, all paying her) that are immature at `tip`. */
function immatureAt(tip: number, last: number, extra = 0n): bigint {
  let sum = 0n;
  for (let h = 1; h <= last; h++) if (tip - h + 1 < MATURE_DEPTH) sum += SUBSIDY;
  return sum + extra;
}

describe('a wallet following a real chain and mempool', () => {
  let node: Node;
  let alice: Wallet;
  let bob: Wallet;
  let mining: string;
  let main: Branch;
  let payment: { txid: string; tx: Transaction; fee: bigint };
  let bobAddress: string;

  before(async () => {
    node = await openNode();
    alice = await node.openWallet({ mnemonic: MNEMONIC_A, name: 'alice' });
    bob = await node.openWallet({ mnemonic: MNEMONIC_B, name: 'bob' });
    mining = await alice.getNewAddress('mining');
    main = node.branchTo(mining);
    await node.mine(...main.extend(101));
  });
  after(async () => node.close());
  afterEach(async () => {
    await node.settle();
    for (const wallet of node.wallets) assertCoinIndexConsistent(wallet, node.mempool);
  });

  test('101 blocks mined to the wallet: one coinbase trusted, a hundred immature', () => {
    assert.deepEqual(alice.getBalances().mine, { trusted: SUBSIDY, untrusted_pending: 0n, immature: 100n * SUBSIDY });
    assert.equal(alice.getBalance(), SUBSIDY);
    const info = alice.getWalletInfo();
    assert.equal(info.txcount, 101);
    assert.equal(info.lastprocessedblock.height, 101);
    assert.equal(info.unlocked_until, undefined, 'not encrypted');
    const history = alice.listTransactions(200);
    assert.equal(history.length, 101);
    assert.deepEqual(history[0], { ...history[0], category: 'generate', amount: SUBSIDY, confirmations: 101, generated: true, blockheight: 1, address: mining, label: 'mining' });
    assert.equal(history[100].category, 'immature');
    const unspent = alice.listUnspent();
    assert.equal(unspent.length, 1);
    assert.deepEqual(unspent[0], { ...unspent[0], address: mining, amount: SUBSIDY, confirmations: 101, safe: true, vout: 0 });
    assert.match(unspent[0].desc, /^wpkh\(\[[0-9a-f]{8}\/84h\/1h\/0h\/0\/0\]0[23][0-9a-f]{64}\)#[a-z0-9]{8}$/);
  });

  test('a payment: change back to a change address, fee at the default rate, both wallets exact to the satoshi', async () => {
    bobAddress = await bob.getNewAddress();
    payment = await alice.send([{ address: bobAddress, amount: 10n * COIN }], { comment: 'rent' });
    await node.settle();
    assert.ok(node.mempool.has(payment.txid));
    const { tx, fee } = payment;
    assert.equal(tx.inputs.length, 1);
    assert.equal(tx.outputs.length, 2);
    assert.equal(paidTo(tx, bobAddress), 10n * COIN);
    const change = tx.outputs.find((output) => paidTo(new Transaction({ version: 2, inputs: [], outputs: [output], locktime: 0 }), bobAddress) === 0n)!;
    assert.equal(change.value, SUBSIDY - 10n * COIN - fee);
    assert.ok(fee >= 2n * BigInt(tx.vsize()) && fee <= 2n * BigInt(tx.vsize()) + 4n, `fee ${fee} for ${tx.vsize()} vB`);
    const changeInfo = alice.getAddressInfo(alice.listUnspent(0).find((coin) => coin.txid === payment.txid)!.address);
    assert.equal(changeInfo.ischange, true);
    assert.equal(changeInfo.hdkeypath, "m/84'/1'/0'/1/0");
    // Our own change is trusted at once; bob's incoming payment is pending.
    assert.deepEqual(alice.getBalances().mine, { trusted: SUBSIDY - 10n * COIN - fee, untrusted_pending: 0n, immature: 100n * SUBSIDY });
    assert.deepEqual(bob.getBalances().mine, { trusted: 0n, untrusted_pending: 10n * COIN, immature: 0n });
    assert.equal(alice.getBalance({ minconf: 1 }), 0n, 'the change is unconfirmed');
    const sent = alice.getTransaction(payment.txid);
    assert.equal(sent.amount, -10n * COIN);
    assert.equal(sent.fee, -fee);
    assert.equal(sent.confirmations, 0);
    assert.equal(sent.trusted, true);
    assert.equal(sent.comment, 'rent');
    assert.deepEqual(sent.details.map((d) => [d.category, d.address, d.amount]), [['send', bobAddress, -10n * COIN]]);
  });

  test('the payment mined: both balances confirmed, the block fee in the coinbase', async () => {
    await node.mine(main.next({ txs: [payment.tx], fees: payment.fee }));
    const fee = payment.fee;
    assert.deepEqual(alice.getBalances().mine, {
      trusted: SUBSIDY - 10n * COIN - fee + SUBSIDY,
      untrusted_pending: 0n,
      immature: immatureAt(102, 102, fee),
    });
    assert.deepEqual(bob.getBalances().mine, { trusted: 10n * COIN, untrusted_pending: 0n, immature: 0n });
    const received = bob.getTransaction(payment.txid);
    assert.equal(received.amount, 10n * COIN);
    assert.equal(received.fee, undefined);
    assert.equal(received.confirmations, 1);
    assert.equal(received.blockheight, 102);
    const [last] = bob.listTransactions(1);
    assert.deepEqual(last, { ...last, category: 'receive', amount: 10n * COIN, address: bobAddress, confirmations: 1, txid: payment.txid, label: '' });
  });

  test('a reorg removing the payment block: the payment goes back to the mempool and to pending', async () => {
    const fork = main.forkAt(101, 2, payTo('someone else'));
    await node.mine(...fork.extend(2));
    assert.equal(node.h.chain.height, 103);
    assert.ok(node.mempool.has(payment.txid), 'the payment returned to the mempool');
    const fee = payment.fee;
    assert.deepEqual(alice.getBalances().mine, { trusted: SUBSIDY - 10n * COIN - fee + 2n * SUBSIDY, untrusted_pending: 0n, immature: immatureAt(103, 101) });
    assert.deepEqual(bob.getBalances().mine, { trusted: 0n, untrusted_pending: 10n * COIN, immature: 0n });
    assert.equal(alice.getTransaction(payment.txid).confirmations, 0);
    assert.equal(alice.getTransaction(main.at(102).txs[0].txid()).confirmations, 0, 'the lost coinbase');
    assert.equal(alice.listTransactions(200).find((e) => e.txid === main.at(102).txs[0].txid())!.category, 'orphan');
    main = fork;
  });

  test('a reorg to a branch that double-spends the payment: conflicted, gone from both wallets', async () => {
    await node.mine(main.next({ txs: [payment.tx], fees: payment.fee }));
    assert.equal(bob.getBalance(), 10n * COIN);
    // The rival spends the same coin back to alice, signed with her key.
    const privateKey = decodeWif(alice.dumpPrivKey(mining), params);
    const back = await alice.getNewAddress();
    const prevout = payment.tx.inputs[0].prevout;
    const unsigned = new Transaction({ version: 2, inputs: [{ prevout, scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [] }], outputs: [{ value: SUBSIDY - 1_000n, script: addressToScript(back, params.bech32Prefix) }], locktime: 0 });
    const rival = signTransaction(unsigned, [{ privateKey, value: SUBSIDY }]);
    const branch = main.forkAt(103, 3, payTo('someone else'));
    await node.mine(branch.next({ txs: [rival], fees: 1_000n }), branch.next());
    assert.equal(node.h.chain.height, 105);
    assert.ok(!node.mempool.has(payment.txid));
    assert.deepEqual(bob.getBalances().mine, { trusted: 0n, untrusted_pending: 0n, immature: 0n });
    assert.equal(bob.getTransaction(payment.txid).confirmations, -2, 'Core: minus the depth of the conflicting block');
    assert.deepEqual(alice.getBalances().mine, { trusted: SUBSIDY - 1_000n + 4n * SUBSIDY, untrusted_pending: 0n, immature: immatureAt(105, 101) });
    assert.deepEqual(alice.getTransaction(payment.txid).walletconflicts, [rival.txid()]);
    main = branch;
  });

  test('insufficient funds, bad addresses, bad amounts', async () => {
    await assert.rejects(alice.send([{ address: bobAddress, amount: 1_000n * COIN }]), (err: unknown) => err instanceof WalletError && err.code === 'insufficient-funds' && err.rpcCode === -6);
    await assert.rejects(alice.send([{ address: 'pcrt1qnotanaddress', amount: COIN }]), AddressError);
    await assert.rejects(alice.send([{ address: bobAddress, amount: 0n }]), (err: unknown) => err instanceof WalletError && err.code === 'invalid-amount');
    await assert.rejects(alice.send([{ address: bobAddress, amount: 100n }]), (err: unknown) => err instanceof WalletError && err.code === 'wallet-error');
  });

  test('two sends at once never pick the same coin', async () => {
    const before = alice.listUnspent(1).length;
    assert.ok(before >= 3);
    const [a, b] = await Promise.all([
      alice.send([{ address: bobAddress, amount: 40n * COIN }]),
      alice.send([{ address: bobAddress, amount: 40n * COIN }]),
    ]);
    await node.settle();
    const spent = (tx: Transaction) => tx.inputs.map((input) => input.prevout.key());
    assert.equal(new Set([...spent(a.tx), ...spent(b.tx)]).size, a.tx.inputs.length + b.tx.inputs.length);
    assert.ok(node.mempool.has(a.txid) && node.mempool.has(b.txid));
    assert.equal(bob.getBalances().mine.untrusted_pending, 80n * COIN);
  });

  test('subtracting the fee from the amount: the recipient pays it', async () => {
    const to = await bob.getNewAddress();
    const result = await alice.send([{ address: to, amount: 5n * COIN }], { subtractFeeFromOutputs: [0], feeRate: 3 });
    assert.equal(paidTo(result.tx, to), 5n * COIN - result.fee);
    assert.ok(result.fee >= 3n * BigInt(result.tx.vsize()));
    await node.settle();
  });

  test('reopening keeps balances, history and the address counter', async () => {
    const balances = alice.getBalances();
    const history = alice.listTransactions(1000);
    const info = alice.getWalletInfo();
    const dir = node.dirs[0];
    await closeWallet(node, alice);
    alice = await node.openWallet({ dir, name: 'alice' });
    assert.deepEqual(alice.getBalances(), balances);
    assert.deepEqual(alice.listTransactions(1000), history);
    assert.deepEqual(alice.getWalletInfo(), info);
    const next = await alice.getNewAddress();
    assert.equal(alice.getAddressInfo(next).hdkeypath, "m/84'/1'/0'/0/2");
  });

  test('a wallet closed during a reorg catches up on open, walking back by its stored block hashes', async () => {
    await node.mine(main.next({ txs: [...node.mempool.entries()].map((e) => e.tx), fees: [...node.mempool.entries()].reduce((s, e) => s + e.fee, 0n) }));
    const bobConfirmed = bob.getBalances().mine;
    assert.equal(bobConfirmed.untrusted_pending, 0n);
    const dir = node.dirs[1];
    await closeWallet(node, bob);
    // While bob is closed, the block confirming his payments is replaced by an empty one, plus one more.
    const branch = main.forkAt(main.height - 1, 4, payTo('someone else'));
    await node.mine(...branch.extend(2));
    bob = await node.openWallet({ dir, name: 'bob' });
    await node.settle();
    assert.equal(bob.getWalletInfo().lastprocessedblock.hash, node.h.chain.tip.hash);
    // Bob's payments left the chain with their block and are back in the mempool: pending, not trusted.
    assert.deepEqual(bob.getBalances().mine, { trusted: 0n, untrusted_pending: bobConfirmed.trusted, immature: 0n });
    assert.ok(bob.listTransactions(10).every((entry) => entry.confirmations === 0 || entry.confirmations < 0));
  });
});

