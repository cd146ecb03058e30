/** A third-party Bitcoin Core client (npm `bitcoin-core`) and library (bitcoinjs-lib v7) against our server. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecc from '@bitcoinerlab/secp256k1';
import BitcoinCore from 'bitcoin-core';
import * as bitcoin from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { CREDENTIALS, type Stack, openStack } from './stack.js';

bitcoin.initEccLib(ecc);
const ECPair = ECPairFactory(ecc);
const regtest: bitcoin.networks.Network = { messagePrefix: '\x18powcoin Signed Message:\n', bech32: 'pcrt', bip32: { public: 0x043587cf, private: 0x04358394 }, pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };

describe('the bitcoin-core npm client and bitcoinjs-lib', () => {
  let s: Stack;
  let client: InstanceType<typeof BitcoinCore>;
  before(async () => {
    s = await openStack();
    client = new BitcoinCore({ host: s.url.replace(/\/$/, ''), username: CREDENTIALS.user, password: CREDENTIALS.password });
  });
  after(() => s.close());

  test('getblockchaininfo and getblockcount', async () => {
    const info = (await client.command('getblockchaininfo')) as { chain: string; blocks: number };
    assert.equal(info.chain, 'regtest');
    assert.equal(await client.command('getblockcount'), 0);
  });

  test('a P2WPKH spend built and signed by bitcoinjs-lib is accepted and mined', async () => {
    const keyPair = ECPair.makeRandom({ network: regtest });
    const payment = bitcoin.payments.p2wpkh({ pubkey: keyPair.publicKey, network: regtest });
    const hashes = (await client.command('generatetoaddress', 101, payment.address)) as string[];
    assert.equal(hashes.length, 101);
    const first = (await client.command('getblock', hashes[0], 2)) as { tx: Array<{ txid: string; vout: Array<{ value: number }> }> };
    const coinbase = first.tx[0];
    assert.equal(coinbase.vout[0].value, 50);
    const psbt = new bitcoin.Psbt({ network: regtest });
    psbt.addInput({ hash: coinbase.txid, index: 0, witnessUtxo: { script: payment.output!, value: 5_000_000_000n } });
    const to = bitcoin.payments.p2wpkh({ pubkey: ECPair.makeRandom({ network: regtest }).publicKey, network: regtest });
    psbt.addOutput({ address: to.address!, value: 4_999_990_000n });
    psbt.signInput(0, keyPair);
    psbt.finalizeAllInputs();
    const tx = psbt.extractTransaction();
    const txid = await client.command('sendrawtransaction', tx.toHex());
    assert.equal(txid, tx.getId());
    assert.deepEqual(await client.command('getrawmempool'), [txid]);
    const [mined] = (await client.command('generatetoaddress', 1, payment.address)) as string[];
    const block = (await client.command('getblock', mined)) as { tx: string[] };
    assert.deepEqual(block.tx.slice(1), [txid]);
    const out = (await client.command('gettxout', txid, 0)) as { value: number; scriptPubKey: { address: string } };
    assert.equal(out.value, 49.9999);
    assert.equal(out.scriptPubKey.address, to.address);
  });

  test('RPC errors surface with Core\'s code', async () => {
    await assert.rejects(client.command('getblockhash', 1000), (err: { code: number }) => err.code === -8);
    await assert.rejects(client.command('nosuchmethod'), (err: { code: number }) => err.code === -32601);
  });
});
