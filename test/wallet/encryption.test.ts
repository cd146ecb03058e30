import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAddress, hash160, publicKeyFromPrivate, toHex } from '../../src/primitives/index.js';
import { Wallet, WalletError, decodeWif, encodeWif } from '../../src/wallet/index.js';
import { COIN, MNEMONIC_A, type Node, SUBSIDY, capturingLogger, closeWallet, openNode, params } from './fixture.js';

const PASSPHRASE = 'correct horse battery staple';

function walletError(code: string, rpcCode: number) {
  return (err: unknown) => err instanceof WalletError && err.code === code && err.rpcCode === rpcCode;
}

/** Every byte of every file in `dir`, as latin1 text, to search for secrets on disk. */
async function rawFiles(dir: string): Promise<string> {
  const names = await readdir(dir);
  const parts = await Promise.all(names.map((name) => readFile(join(dir, name)).catch(() => Buffer.alloc(0))));
  return parts.map((part) => part.toString('latin1')).join('\n');
}

describe('wallet encryption', () => {
  let node: Node;
  let wallet: Wallet;
  let dir: string;
  const logger = capturingLogger();
  const secrets: string[] = [MNEMONIC_A, PASSPHRASE];

  before(async () => {
    node = await openNode();
    wallet = await node.openWallet({ mnemonic: MNEMONIC_A }, logger);
    dir = node.dirs[0];
    const address = await wallet.getNewAddress();
    await node.mine(...node.branchTo(address).extend(101));
    const wif = wallet.dumpPrivKey(address);
    secrets.push(wif, toHex(decodeWif(wif, params)));
    assert.ok((await rawFiles(dir)).includes(MNEMONIC_A), 'before encryptwallet the seed is in the clear');
  });
  after(async () => node.close());

  test('encryptwallet: locked afterwards, the plaintext seed gone from the files', async () => {
    await wallet.encrypt(PASSPHRASE);
    assert.equal(wallet.isLocked, true);
    assert.equal(wallet.getWalletInfo().unlocked_until, 0);
    const disk = await rawFiles(dir);
    assert.ok(!disk.includes(MNEMONIC_A), 'no mnemonic on disk');
    assert.ok(!disk.includes('abandon'), 'not even one word of it');
    assert.ok(!disk.includes(secrets[3]), 'no private key hex on disk');
    await assert.rejects(wallet.encrypt('again'), walletError('wrong-enc-state', -15));
  });

  test('a locked wallet: sending and dumping keys need the passphrase (-13); addresses and balances do not', async () => {
    const to = await wallet.getNewAddress();
    assert.equal(wallet.getBalance(), SUBSIDY);
    await assert.rejects(wallet.send([{ address: to, amount: COIN }]), walletError('locked', -13));
    assert.throws(() => wallet.dumpPrivKey(to), walletError('locked', -13));
    assert.throws(() => wallet.getMnemonic(), walletError('locked', -13));
    await assert.rejects(wallet.importPrivKey(encodeWif(new Uint8Array(32).fill(7), params)), walletError('locked', -13));
  });

  test('a wrong passphrase is -14 and leaves the wallet locked', async () => {
    await assert.rejects(wallet.unlock('correct horse battery stapler', 60), walletError('wrong-passphrase', -14));
    assert.equal(wallet.isLocked, true);
  });

  test('unlocked until the timeout (injected clock): a send works, then the wallet locks itself', async () => {
    await wallet.unlock(PASSPHRASE, 60);
    assert.equal(wallet.getWalletInfo().unlocked_until, node.clock.now + 60);
    const to = await wallet.getNewAddress();
    const sent = await wallet.send([{ address: to, amount: COIN }]);
    await node.settle();
    assert.ok(node.mempool.has(sent.txid));
    assert.equal(wallet.getMnemonic(), MNEMONIC_A);
    node.clock.now += 61;
    assert.equal(wallet.isLocked, true);
    await assert.rejects(wallet.send([{ address: to, amount: COIN }]), walletError('locked', -13));
  });

  test('the timer relocks on a real clock too, and walletlock locks at once', async () => {
    await wallet.unlock(PASSPHRASE, 0.2);
    assert.equal(wallet.isLocked, false);
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(wallet.isLocked, true);
    await wallet.unlock(PASSPHRASE, 600);
    wallet.lock();
    assert.equal(wallet.isLocked, true);
  });

  test('importprivkey while unlocked re-seals the secrets; after reopening, still encrypted and locked', async () => {
    await wallet.unlock(PASSPHRASE, 600);
    const imported = encodeWif(new Uint8Array(32).fill(9), params);
    secrets.push(imported, '09'.repeat(32));
    await wallet.importPrivKey(imported, 'nines', false);
    await closeWallet(node, wallet);
    wallet = await node.openWallet({ dir }, logger);
    assert.equal(wallet.isEncrypted, true);
    assert.equal(wallet.isLocked, true);
    await wallet.unlock(PASSPHRASE, 600);
    const address = encodeAddress(hash160(publicKeyFromPrivate(new Uint8Array(32).fill(9))), params.bech32Prefix);
    assert.equal(wallet.dumpPrivKey(address), imported);
    assert.deepEqual(wallet.getAddressInfo(address).labels, ['nines']);
    assert.ok(!(await rawFiles(dir)).includes('09'.repeat(32)));
    wallet.lock();
  });

  test('unencrypted wallets refuse walletpassphrase and walletlock (-15)', async () => {
    const plain = await node.openWallet();
    await assert.rejects(plain.unlock('x', 10), walletError('wrong-enc-state', -15));
    assert.throws(() => plain.lock(), walletError('wrong-enc-state', -15));
  });

  test('nothing secret was ever logged', () => {
    assert.ok(logger.lines.length > 5, 'the wallet did log');
    const text = logger.lines.join('\n');
    for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret appeared in the log');
    assert.ok(!/abandon|xprv|tprv/.test(text));
  });

  // The cost is what protects a stolen wallet file: the record must say N = 2^15, and unlock must
  // derive its key with the N the record says (a record edited to 2^14 no longer unlocks).
  test('encryptwallet uses scrypt N = 2^15 by default, and unlock derives with the recorded N', async (t) => {
    const measured = await node.openWallet({ scryptLogN: undefined });
    let started = performance.now();
    await measured.encrypt(PASSPHRASE);
    const encryptMs = performance.now() - started;
    const spare = await mkdtemp(join(tmpdir(), 'powcoin-kdf-'));
    node.dirs.push(spare);
    const file = join(spare, 'backup.json');
    await measured.backup(file);
    const backup = JSON.parse(await readFile(file, 'utf8')) as { records: Array<[string, { box?: { kdf?: { name: string; logN: number } } }]> };
    const secret = backup.records.find(([key]) => key === 'secret')?.[1].box;
    assert.deepEqual({ name: secret?.kdf?.name, logN: secret?.kdf?.logN }, { name: 'scrypt', logN: 15 });
    started = performance.now();
    await measured.unlock(PASSPHRASE, 10);
    t.diagnostic(`encryptwallet ${encryptMs.toFixed(0)} ms, walletpassphrase ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(measured.isLocked, false);

    secret!.kdf!.logN = 14;
    await writeFile(file, JSON.stringify(backup));
    const edited = await Wallet.restoreBackup(file, { dir: join(spare, 'restored'), params }, { chain: node.h.chain, mempool: node.mempool });
    node.wallets.push(edited);
    await assert.rejects(edited.unlock(PASSPHRASE, 10), walletError('wrong-passphrase', -14));
  });
});
