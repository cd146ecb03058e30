import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyP2wpkhInput } from '../../src/consensus/p2wpkh.js';
import { isHighS, parseDerSignature } from '../../src/consensus/der.js';
import { encodeAddress } from '../../src/primitives/address.js';
import { fromHex } from '../../src/primitives/bytes.js';
import { hash160 } from '../../src/primitives/hash.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { encodeWif } from '../../src/wallet/wif.js';
import * as ecc from '@bitcoinerlab/secp256k1';
import { Psbt as BjsPsbt } from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { TestKey } from '../helpers/chain-harness.js';
import { type Stack, openStack, rpcError } from './stack.js';

type Row = Record<string, unknown>;
const ECPair = ECPairFactory(ecc);
const outside = new TestKey('psbt outside key');

describe('raw transactions and PSBTs over RPC, with the real wallet', () => {
  let s: Stack;
  let mine: string;
  let outsideAddress: string;
  before(async () => {
    s = await openStack({ wallet: true });
    mine = await s.client.call<string>('getnewaddress');
    outsideAddress = encodeAddress(hash160(outside.publicKey), s.params.bech32Prefix);
    await s.client.call('generatetoaddress', [103, mine]);
    await s.wallet!.idle();
  });
  after(() => s.close());

  const decode = (hex: string) => Transaction.decode(fromHex(hex));

  test('createrawtransaction → fundrawtransaction → signrawtransactionwithwallet → sendrawtransaction', async () => {
    const raw = await s.client.call<string>('createrawtransaction', [[], { [outsideAddress]: 1.5, data: 'cafe' }]);
    const unsigned = await s.client.call<Row>('decoderawtransaction', [raw]);
    assert.equal((unsigned.vin as unknown[]).length, 0);
    assert.equal((unsigned.vout as Row[])[1].scriptPubKey && ((unsigned.vout as Row[])[1].scriptPubKey as Row).hex, '6a02cafe');
    const funded = await s.client.call<{ hex: string; fee: number; changepos: number }>('fundrawtransaction', [raw, { fee_rate: 2 }]);
    const fundedTx = decode(funded.hex);
    assert.ok(fundedTx.inputs.length >= 1);
    assert.equal(fundedTx.outputs.length, 3);
    assert.ok(funded.changepos >= 0 && funded.changepos <= 2);
    assert.ok(funded.fee > 0 && funded.fee < 0.0001);
    const signed = await s.client.call<{ hex: string; complete: boolean }>('signrawtransactionwithwallet', [funded.hex]);
    assert.equal(signed.complete, true);
    const tx = decode(signed.hex);
    const sig = parseDerSignature(tx.inputs[0].witness[0]);
    assert.equal(isHighS(sig.s), false);
    assert.equal(await s.client.call('sendrawtransaction', [signed.hex]), tx.txid());
    // The fee paid is the fee reported, at ≥ 2 sat/vB.
    const entry = await s.client.call<{ fees: { base: number }; vsize: number }>('getmempoolentry', [tx.txid()]);
    assert.equal(entry.fees.base, funded.fee);
    assert.ok((entry.fees.base * 1e8) / entry.vsize >= 2);
  });

  test('signrawtransactionwithkey signs with a WIF key; an input it cannot sign is listed in errors', async () => {
    // Pay the outside key, mine it, then spend that coin with signrawtransactionwithkey.
    const txid = await s.client.call<string>('sendtoaddress', [outsideAddress, 2]);
    await s.client.call('generatetoaddress', [1, mine]);
    const paid = decode(await s.client.call<string>('getrawtransaction', [txid, false, await s.client.call<string>('getbestblockhash')]));
    const vout = paid.outputs.findIndex((o) => o.value === 200_000_000n);
    const raw = await s.client.call<string>('createrawtransaction', [[{ txid, vout }], { [mine]: 1.999 }]);
    const wif = encodeWif(outside.privateKey, s.params);
    const signed = await s.client.call<{ hex: string; complete: boolean; errors?: Row[] }>('signrawtransactionwithkey', [raw, [wif]]);
    assert.equal(signed.complete, true, JSON.stringify(signed.errors));
    const tx = decode(signed.hex);
    verifyP2wpkhInput(tx, 0, paid.outputs[vout]);
    // The wallet does not hold that key: unsigned, with Core's error row.
    const notMine = await s.client.call<{ complete: boolean; errors: Row[] }>('signrawtransactionwithwallet', [raw]);
    assert.equal(notMine.complete, false);
    assert.equal(notMine.errors[0].error, 'Unable to sign input, invalid stack size (possibly missing key)');
    assert.equal(await s.client.call('sendrawtransaction', [signed.hex]), tx.txid());
    assert.deepEqual(await rpcError(s, 'signrawtransactionwithkey', [raw, ['notakey']]), { code: -5, message: 'Invalid private key' });
  });

  test('walletcreatefundedpsbt → decodepsbt/analyzepsbt → walletprocesspsbt → finalizepsbt → sendrawtransaction', async () => {
    const created = await s.client.call<{ psbt: string; fee: number; changepos: number }>('walletcreatefundedpsbt', [[], [{ [outsideAddress]: 0.75 }], 0, { fee_rate: 3 }]);
    const decoded = await s.client.call<Row>('decodepsbt', [created.psbt]);
    const inputs = decoded.inputs as Row[];
    assert.ok(inputs.length >= 1);
    assert.ok(inputs[0].witness_utxo && inputs[0].non_witness_utxo, 'the wallet fills in both spent-output fields');
    assert.match(((inputs[0].bip32_derivs as Row[])[0].path as string), /^m\/84h\/1h\/0h\/[01]\/\d+$/);
    assert.equal(decoded.fee, created.fee);
    const change = (decoded.outputs as Row[])[created.changepos];
    assert.ok(change.bip32_derivs, 'the change output carries its key origin');
    const before = await s.client.call<Row>('analyzepsbt', [created.psbt]);
    assert.equal(before.next, 'signer');
    assert.ok(((before.inputs as Row[])[0].missing as Row).signatures);
    const processed = await s.client.call<{ psbt: string; complete: boolean; hex?: string }>('walletprocesspsbt', [created.psbt, true, 'ALL', true, false]);
    assert.equal(processed.complete, false, 'not finalized when finalize=false');
    assert.equal(processed.hex, undefined);
    assert.equal((await s.client.call<Row>('analyzepsbt', [processed.psbt])).next, 'finalizer');
    const final = await s.client.call<{ hex: string; complete: boolean }>('finalizepsbt', [processed.psbt]);
    assert.equal(final.complete, true);
    const tx = decode(final.hex);
    assert.equal(await s.client.call('sendrawtransaction', [final.hex]), tx.txid());
    const analysed = await s.client.call<Row>('analyzepsbt', [(await s.client.call<{ psbt: string }>('finalizepsbt', [processed.psbt, false])).psbt]);
    assert.equal(analysed.next, 'extractor');
    assert.ok((analysed.estimated_vsize as number) >= tx.vsize());
  });

  test('createpsbt + utxoupdatepsbt, two signers (our wallet, bitcoinjs-lib) combined with combinepsbt, finalized, accepted; converttopsbt', async () => {
    // Two coins: one the wallet owns, one the outside key owns; each party signs its own.
    const walletCoin = (await s.client.call<Row[]>('listunspent', [1])).find((c) => (c.amount as number) > 1)!;
    const txid = await s.client.call<string>('sendtoaddress', [outsideAddress, 1]);
    await s.client.call('generatetoaddress', [1, mine]);
    await s.wallet!.idle();
    const paid = decode(await s.client.call<string>('getrawtransaction', [txid, false, await s.client.call<string>('getbestblockhash')]));
    const vout = paid.outputs.findIndex((o) => o.value === 100_000_000n);
    const inputs = [{ txid: walletCoin.txid, vout: walletCoin.vout }, { txid, vout }];
    const total = BigInt(Math.round((walletCoin.amount as number) * 1e8)) + 100_000_000n - 10_000n;
    const outputs = [{ [mine]: `${total / 100_000_000n}.${(total % 100_000_000n).toString().padStart(8, '0')}` }];
    const psbt = await s.client.call<string>('createpsbt', [inputs, outputs]);
    assert.equal((await s.client.call<Row>('analyzepsbt', [psbt])).next, 'updater');
    const updated = await s.client.call<string>('utxoupdatepsbt', [psbt]);
    const decoded = await s.client.call<Row>('decodepsbt', [updated]);
    assert.ok((decoded.inputs as Row[]).every((input) => input.witness_utxo));
    const byWallet = await s.client.call<{ psbt: string; complete: boolean }>('walletprocesspsbt', [updated]);
    assert.equal(byWallet.complete, false, 'the outside input is not the wallet\'s to sign');
    assert.equal((await s.client.call<Row>('analyzepsbt', [byWallet.psbt])).next, 'updater', 'the outside input has no known key yet');
    // The outside party signs the same PSBT with another implementation (bitcoinjs-lib).
    const theirs = BjsPsbt.fromBase64(updated);
    theirs.signInput(1, ECPair.fromPrivateKey(outside.privateKey));
    const combined = await s.client.call<string>('combinepsbt', [[byWallet.psbt, theirs.toBase64()]]);
    assert.equal((await s.client.call<Row>('analyzepsbt', [combined])).next, 'finalizer');
    const finalized = await s.client.call<{ complete: boolean; hex: string }>('finalizepsbt', [combined]);
    assert.equal(finalized.complete, true);
    assert.equal(await s.client.call('sendrawtransaction', [finalized.hex]), decode(finalized.hex).txid());
    // converttopsbt: a signed tx is refused unless permitsigdata drops the signatures.
    const raw = await s.client.call<string>('createrawtransaction', [inputs, outputs]);
    const wif = encodeWif(outside.privateKey, s.params);
    const keySigned = await s.client.call<{ hex: string; complete: boolean }>('signrawtransactionwithkey', [raw, [wif]]);
    assert.equal(keySigned.complete, false, 'one of two inputs signed');
    assert.equal((await rpcError(s, 'converttopsbt', [keySigned.hex])).code, -22);
    assert.equal(await s.client.call('converttopsbt', [keySigned.hex, true]), psbt);
    assert.equal((await rpcError(s, 'combinepsbt', [[byWallet.psbt, await s.client.call<string>('createpsbt', [[inputs[0]], [{ [mine]: 1 }]])]])).code, -8);
  });

  test('Core codes for bad input: -22 garbage PSBT or hex, -8 bad params, -3 wrong types, -6 no funds', async () => {
    assert.deepEqual(await rpcError(s, 'decodepsbt', ['not base64!']), { code: -22, message: 'TX decode failed invalid base64' });
    assert.deepEqual(await rpcError(s, 'decodepsbt', [Buffer.from('hello world').toString('base64')]), { code: -22, message: 'TX decode failed Invalid PSBT magic bytes' });
    const truncated = Buffer.from('70736274ff0100', 'hex').toString('base64');
    assert.equal((await rpcError(s, 'decodepsbt', [truncated])).code, -22);
    assert.equal((await rpcError(s, 'finalizepsbt', ['AAAA'])).code, -22);
    assert.equal((await rpcError(s, 'analyzepsbt', [12])).code, -3);
    assert.equal((await rpcError(s, 'fundrawtransaction', ['00'])).code, -22);
    assert.equal((await rpcError(s, 'signrawtransactionwithwallet', ['zz'])).code, -8);
    assert.equal((await rpcError(s, 'createrawtransaction', [[{ txid: 'ab', vout: 0 }], {}])).code, -8);
    assert.equal((await rpcError(s, 'createrawtransaction', [[{ txid: 'ab'.repeat(32) }], {}])).code, -8);
    assert.equal((await rpcError(s, 'createrawtransaction', [[], { pcrt1qnotanaddress: 1 }])).code, -5);
    assert.equal((await rpcError(s, 'createrawtransaction', [[], { data: 'xyz' }])).code, -8);
    assert.equal((await rpcError(s, 'createrawtransaction', [[], [], -1])).code, -8);
    assert.equal((await rpcError(s, 'createrawtransaction', ['x', {}])).code, -3);
    const raw = await s.client.call<string>('createrawtransaction', [[], { [outsideAddress]: 1 }]);
    assert.equal((await rpcError(s, 'fundrawtransaction', [raw, { bogus: 1 }])).code, -3);
    assert.equal((await rpcError(s, 'fundrawtransaction', [raw, { fee_rate: 1, feeRate: 0.0001 }])).code, -8);
    assert.equal((await rpcError(s, 'fundrawtransaction', [raw, { changePosition: 5 }])).code, -8);
    assert.equal((await rpcError(s, 'fundrawtransaction', [raw, { change_type: 'legacy' }])).code, -5);
    assert.equal((await rpcError(s, 'fundrawtransaction', [raw, { fee_rate: 1e308 }])).code, -8);
    assert.equal((await rpcError(s, 'fundrawtransaction', [raw, { subtractFeeFromOutputs: [1e300] }])).code, -8);
    assert.equal((await rpcError(s, 'createrawtransaction', [[{ txid: 'ab'.repeat(32), vout: 1e300 }], {}])).code, -8);
    assert.equal((await rpcError(s, 'createrawtransaction', [[], {}, 1e300])).code, -3);
    assert.equal((await rpcError(s, 'decodepsbt', ['cHNidP8' + 'A'.repeat(1_000_000)])).code, -22);
    assert.equal((await rpcError(s, 'signrawtransactionwithwallet', [raw, [], 'SOME'])).code, -8);
    const huge = await s.client.call<string>('createrawtransaction', [[], { [outsideAddress]: 20_000_000 }]);
    assert.equal((await rpcError(s, 'fundrawtransaction', [huge])).code, -6);
    assert.equal((await rpcError(s, 'combinepsbt', [[]])).code, -8);
  });
});
