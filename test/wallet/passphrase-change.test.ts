/**
 * walletpassphrasechange and dumpmnemonic on the real wallet: the new passphrase unlocks, the old
 * one no longer does; the words need the passphrase, locked or not; wrong state and wrong
 * passphrase answer Core's codes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Wallet, WalletError } from '../../src/wallet/index.js';
import { MNEMONIC_A, type Node, openNode } from './fixture.js';

const code = (name: string, rpcCode: number) => (err: unknown) => err instanceof WalletError && err.code === name && err.rpcCode === rpcCode;

describe('changing the passphrase; showing the words', () => {
  let node: Node;
  let wallet: Wallet;
  before(async () => {
    node = await openNode();
    wallet = await node.openWallet({ mnemonic: MNEMONIC_A, scryptLogN: 8 });
  });
  after(() => node.close());

  test('unencrypted: the words without a passphrase; passphrase change is -15', async () => {
    assert.equal(await wallet.dumpMnemonic(), MNEMONIC_A);
    await assert.rejects(wallet.changePassphrase('a', 'b'), code('wrong-enc-state', -15));
  });

  test('encrypted: the words need the passphrase (-13 without, -14 wrong), also while unlocked', async () => {
    await wallet.encrypt('first');
    await assert.rejects(wallet.dumpMnemonic(), code('locked', -13));
    await assert.rejects(wallet.dumpMnemonic('wrong'), code('wrong-passphrase', -14));
    assert.equal(await wallet.dumpMnemonic('first'), MNEMONIC_A);
    await wallet.unlock('first', 60);
    await assert.rejects(wallet.dumpMnemonic(), code('locked', -13));
    assert.equal(wallet.isLocked, false, 'showing the words does not change the lock state');
  });

  test('walletpassphrasechange: -14 for a wrong old one; then only the new one unlocks, and the wallet is locked', async () => {
    await assert.rejects(wallet.changePassphrase('wrong', 'second'), code('wrong-passphrase', -14));
    await wallet.changePassphrase('first', 'second');
    assert.equal(wallet.isLocked, true);
    await assert.rejects(wallet.unlock('first', 60), code('wrong-passphrase', -14));
    await wallet.unlock('second', 60);
    assert.equal(await wallet.dumpMnemonic('second'), MNEMONIC_A);
  });
});
