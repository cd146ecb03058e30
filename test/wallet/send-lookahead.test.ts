/**
 * A send hands out a change key and derives that key's successor only after it answers (the
 * lookahead's EC work is off the sender's wait). The lookahead must still be whole once the wallet
 * is idle: the keypool Core reports stays full and keys up to the gap limit are recognised.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HDKey } from '@scure/bip32';
import { mnemonicToSeedSync } from '@scure/bip39';
import { encodeAddress } from '../../src/primitives/address.js';
import { publicKeyHash } from '../../src/primitives/keys.js';
import type { Wallet } from '../../src/wallet/index.js';
import { COIN, MNEMONIC_A, type Node, openNode, params } from './fixture.js';

const LOOKAHEAD = 20; // the wallet's default keypoolSize
const OUTSIDE = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

/** The BIP84 change address m/84'/1'/0'/1/index of MNEMONIC_A, derived here without the wallet. */
function changeAddress(index: number): string {
  const key = HDKey.fromMasterSeed(mnemonicToSeedSync(MNEMONIC_A)).derive(`m/84'/1'/0'/1/${index}`);
  return encodeAddress(publicKeyHash(key.publicKey!), params.bech32Prefix);
}

describe('change keys handed out by sends', () => {
  let node: Node;
  let wallet: Wallet;

  before(async () => {
    node = await openNode();
    wallet = await node.openWallet({ mnemonic: MNEMONIC_A });
    const main = node.branchTo(await wallet.getNewAddress());
    await node.mine(...main.extend(103));
  });
  after(async () => node.close());

  test('after a burst of sends the change keypool is whole again and keys up to the gap limit are ours', async () => {
    const sends = 5;
    for (let i = 0; i < sends; i++) await wallet.send([{ address: OUTSIDE, amount: COIN }]);
    await node.settle();
    // Each send took one change key (indexes 0..4): the next to hand out is 5.
    assert.equal(wallet.getAddressInfo(changeAddress(sends - 1)).ismine, true);
    assert.equal(wallet.getWalletInfo().keypoolsize_hd_internal, LOOKAHEAD);
    const farthest = changeAddress(sends + LOOKAHEAD - 1);
    assert.equal(wallet.getAddressInfo(farthest).ismine, true, 'the last key within the lookahead is derived');
    assert.equal(wallet.getAddressInfo(changeAddress(sends + LOOKAHEAD)).ismine, false, 'and none past it');
  });

  test('concurrent sends (queued before any top-up can run) all get a change key', async () => {
    const sent = await Promise.all(Array.from({ length: LOOKAHEAD + 5 }, () => wallet.send([{ address: OUTSIDE, amount: COIN }])));
    await node.settle();
    assert.equal(new Set(sent.map((s) => s.txid)).size, LOOKAHEAD + 5);
    for (const s of sent) assert.ok(node.mempool.has(s.txid));
    assert.equal(wallet.getWalletInfo().keypoolsize_hd_internal, LOOKAHEAD);
  });
});
