/**
 * BIP174 interoperability with a third-party implementation, both ways: bitcoinjs-lib builds a
 * PSBT that our wallet signs and finalises; our wallet's PSBT is signed and finalised by
 * bitcoinjs-lib. Both results go through our sendrawtransaction and are mined.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecc from '@bitcoinerlab/secp256k1';
import { Psbt as BjsPsbt, type Network } from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { fromHex } from '../../src/primitives/bytes.js';
import { type Stack, openStack } from './stack.js';

const ECPair = ECPairFactory(ecc);
// Our regtest in bitcoinjs-lib's terms: bech32 prefix pcrt, test-network WIF version.
const REGTEST: Network = { messagePrefix: '\x18Bitcoin Signed Message:\n', bech32: 'pcrt', bip32: { public: 0x043587cf, private: 0x04358394 }, pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
type Row = Record<string, unknown>;

describe('PSBT round trips with bitcoinjs-lib', () => {
  let s: Stack;
  let mine: string;
  before(async () => {
    s = await openStack({ wallet: true });
    mine = await s.client.call<string>('getnewaddress');
    await s.client.call('generatetoaddress', [102, mine]);
    await s.wallet!.idle();
  });
  after(() => s.close());

  const mineAndCheck = async (txid: string) => {
    const [hash] = await s.client.call<string[]>('generatetoaddress', [1, mine]);
    const block = await s.client.call<{ tx: string[] }>('getblock', [hash]);
    assert.ok(block.tx.includes(txid), 'mined');
    await s.wallet!.idle();
  };

  test('a PSBT made by bitcoinjs-lib is signed by walletprocesspsbt and accepted', async () => {
    const coin = (await s.client.call<Row[]>('listunspent'))[0];
    const payee = await s.client.call<string>('getnewaddress');
    const value = BigInt(Math.round((coin.amount as number) * 1e8));
    const psbt = new BjsPsbt({ network: REGTEST });
    psbt.addInput({ hash: coin.txid as string, index: coin.vout as number, witnessUtxo: { script: fromHex(coin.scriptPubKey as string), value } });
    psbt.addOutput({ address: payee, value: value - 10_000n });
    const processed = await s.client.call<{ psbt: string; complete: boolean; hex: string }>('walletprocesspsbt', [psbt.toBase64()]);
    assert.equal(processed.complete, true);
    // bitcoinjs-lib reads our finalised PSBT back and extracts the same transaction.
    const back = BjsPsbt.fromBase64(processed.psbt, { network: REGTEST });
    const extracted = back.extractTransaction();
    assert.equal(extracted.toHex(), processed.hex);
    const txid = await s.client.call<string>('sendrawtransaction', [processed.hex]);
    assert.equal(txid, extracted.getId());
    await mineAndCheck(txid);
  });

  test('a PSBT from walletcreatefundedpsbt is signed and finalised by bitcoinjs-lib and accepted', async () => {
    const payee = await s.client.call<string>('getnewaddress');
    const created = await s.client.call<{ psbt: string; fee: number }>('walletcreatefundedpsbt', [[], [{ [payee]: 3 }], 0, { fee_rate: 2 }]);
    const psbt = BjsPsbt.fromBase64(created.psbt, { network: REGTEST });
    const decoded = await s.client.call<{ inputs: Row[] }>('decodepsbt', [created.psbt]);
    for (let i = 0; i < psbt.inputCount; i++) {
      const address = ((decoded.inputs[i].witness_utxo as Row).scriptPubKey as Row).address as string;
      const key = ECPair.fromWIF(await s.client.call<string>('dumpprivkey', [address]), REGTEST);
      psbt.signInput(i, key);
      assert.ok(psbt.validateSignaturesOfInput(i, (pubkey, hash, signature) => ecc.verify(hash, pubkey, signature)));
    }
    psbt.finalizeAllInputs();
    const tx = psbt.extractTransaction();
    assert.equal(Number(psbt.getFee()), Math.round(created.fee * 1e8), 'bitcoinjs-lib sees the fee we reported');
    const txid = await s.client.call<string>('sendrawtransaction', [tx.toHex()]);
    assert.equal(txid, tx.getId());
    await mineAndCheck(txid);
  });
});
