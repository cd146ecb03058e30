import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAddress, hash160, publicKeyFromPrivate } from '../../src/primitives/index.js';
import { Wallet, WalletError, encodeWif } from '../../src/wallet/index.js';
import { COIN, MNEMONIC_A, MNEMONIC_B, type Node, closeWallet, openNode, params } from './fixture.js';
import type { Branch } from '../helpers/chain-harness.js';

/** Funds a miner wallet, then pays several of alice's addresses, each in its own block. */
describe('restoring, backups and imported keys', () => {
  let node: Node;
  let miner: Wallet;
  let main: Branch;
  let aliceAddresses: string[];
  let alice: Wallet;

  async function payAndMine(address: string, amount: bigint): Promise<string> {
    const sent = await miner.send([{ address, amount }]);
    await node.settle();
    await node.mine(main.next({ txs: [sent.tx], fees: sent.fee }));
    return sent.txid;
  }

  before(async () => {
    node = await openNode();
    miner = await node.openWallet({ mnemonic: MNEMONIC_B, name: 'miner' });
    main = node.branchTo(await miner.getNewAddress());
    await node.mine(...main.extend(110));
    alice = await node.openWallet({ mnemonic: MNEMONIC_A, name: 'alice' });
    aliceAddresses = [];
    for (let i = 0; i < 50; i++) aliceAddresses.push(await alice.getNewAddress());
    // With the default lookahead of 20, each payment is within 20 of the previous one used.
    await payAndMine(aliceAddresses[15], 1n * COIN);
    await payAndMine(aliceAddresses[30], 2n * COIN);
    await payAndMine(aliceAddresses[49], 4n * COIN);
  });
  after(async () => node.close());

  test('the original wallet sees all three payments', () => {
    assert.equal(alice.getBalance(), 7n * COIN);
  });

  test('restore from the mnemonic with a lookahead of 16: 15 and 30 are found, 49 is past the gap', async () => {
    const restored = await node.openWallet({ mnemonic: MNEMONIC_A, keypoolSize: 16 });
    assert.equal(restored.getBalance(), 3n * COIN);
    assert.equal(restored.getWalletInfo().keypoolsize, 16, 'derived up to index 46');
  });

  test('restore with the default lookahead (20) finds everything; the next address is past the last one used', async () => {
    const restored = await node.openWallet({ mnemonic: MNEMONIC_A });
    assert.equal(restored.getBalance(), 7n * COIN);
    assert.equal(restored.getAddressInfo(await restored.getNewAddress()).hdkeypath, "m/84'/1'/0'/0/50");
  });

  test('opening an existing wallet with another mnemonic is refused', async () => {
    // Closed first: an open wallet holds its database's lock, which would refuse for another reason.
    const other = await node.openWallet({ mnemonic: MNEMONIC_B });
    const dir = node.dirs.at(-1)!;
    await closeWallet(node, other);
    await assert.rejects(
      Wallet.open({ dir, params, scryptLogN: 10, mnemonic: MNEMONIC_A }, { chain: node.h.chain, mempool: node.mempool }),
      (err: unknown) => err instanceof WalletError && err.code === 'wallet-error' && /made from another mnemonic/.test(err.message),
    );
    const same = await node.openWallet({ dir, mnemonic: MNEMONIC_B });
    assert.equal(same.getMnemonic(), MNEMONIC_B, 'the same mnemonic opens it');
  });

  test('backup round trip: the restored copy catches up with payments made after the backup', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'powcoin-backup-')), 'alice.json');
    await alice.backup(file);
    await payAndMine(aliceAddresses[3], 8n * COIN);
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-restored-'));
    node.dirs.push(dir, file);
    const copy = await Wallet.restoreBackup(file, { dir, params, scryptLogN: 10 }, { chain: node.h.chain, mempool: node.mempool, now: () => node.clock.now });
    node.wallets.push(copy);
    assert.equal(copy.getBalance(), alice.getBalance());
    assert.deepEqual(copy.getBalances(), alice.getBalances());
    assert.deepEqual(copy.listTransactions(100).map((e) => e.txid), alice.listTransactions(100).map((e) => e.txid));
    assert.equal(copy.getAddressInfo(await copy.getNewAddress()).hdkeypath, "m/84'/1'/0'/0/50");
    // Closed first, so the refusal below is the "already exists" check and not the database lock.
    await closeWallet(node, copy);
    await assert.rejects(
      Wallet.restoreBackup(file, { dir, params }, { chain: node.h.chain, mempool: node.mempool }),
      (err: unknown) => err instanceof WalletError && err.code === 'wallet-error' && /a wallet already exists/.test(err.message),
    );
  });

  test('an encrypted backup restores locked, and unlocks with the passphrase', async () => {
    const secretive = await node.openWallet({ mnemonic: MNEMONIC_A });
    await secretive.encrypt('pass phrase');
    const file = join(await mkdtemp(join(tmpdir(), 'powcoin-backup-')), 'enc.json');
    await secretive.backup(file);
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-restored-'));
    node.dirs.push(dir, file);
    const copy = await Wallet.restoreBackup(file, { dir, params }, { chain: node.h.chain, mempool: node.mempool, now: () => node.clock.now });
    node.wallets.push(copy);
    assert.equal(copy.isLocked, true);
    await assert.rejects(copy.unlock('wrong', 10), (err: unknown) => err instanceof WalletError && err.rpcCode === -14);
    await copy.unlock('pass phrase', 10);
    assert.equal(copy.getMnemonic(), MNEMONIC_A);
  });

  test('importprivkey with rescan finds coins paid to the key, and can spend them', async () => {
    const privateKey = hash160(new TextEncoder().encode('outside key'));
    const full = new Uint8Array(32);
    full.set(privateKey, 12);
    const address = encodeAddress(hash160(publicKeyFromPrivate(full)), params.bech32Prefix);
    const txid = await payAndMine(address, 3n * COIN);
    const fresh = await node.openWallet();
    assert.equal(fresh.getBalance(), 0n, 'a new wallet starts at the tip and knows nothing of the key');
    await fresh.importPrivKey(encodeWif(full, params), 'outside');
    assert.equal(fresh.getBalance(), 3n * COIN);
    const info = fresh.getAddressInfo(address);
    assert.deepEqual({ ismine: info.ismine, ischange: info.ischange, labels: info.labels, hdkeypath: info.hdkeypath }, { ismine: true, ischange: false, labels: ['outside'], hdkeypath: undefined });
    assert.equal(fresh.getTransaction(txid).amount, 3n * COIN);
    const spend = await fresh.send([{ address: aliceAddresses[0], amount: COIN }]);
    await node.settle();
    assert.ok(node.mempool.has(spend.txid), 'signed with the imported key');
  });

  test('dumpprivkey into another wallet: the same key and address there', async () => {
    const address = aliceAddresses[15];
    const wif = alice.dumpPrivKey(address);
    const other = await node.openWallet();
    await other.importPrivKey(wif, '', true);
    assert.equal(other.getAddressInfo(address).ismine, true);
    assert.equal(other.dumpPrivKey(address), wif);
    assert.equal(other.getBalance(), 1n * COIN);
    assert.throws(() => other.dumpPrivKey(aliceAddresses[16]), (err: unknown) => err instanceof WalletError && err.rpcCode === -4);
    assert.throws(() => other.dumpPrivKey('garbage'), (err: unknown) => err instanceof WalletError && err.rpcCode === -5);
  });

  test('rescanblockchain validates its range and reports it', async () => {
    const tip = node.h.chain.height;
    assert.deepEqual(await alice.rescan(), { start_height: 0, stop_height: tip });
    assert.deepEqual(await alice.rescan(5, 10), { start_height: 5, stop_height: 10 });
    await assert.rejects(alice.rescan(tip + 1), (err: unknown) => err instanceof WalletError && err.rpcCode === -8);
    await assert.rejects(alice.rescan(10, 5), (err: unknown) => err instanceof WalletError && err.rpcCode === -8);
  });
});
