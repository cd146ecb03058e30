import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isHighS, parseDerSignature } from '../../src/consensus/der.js';
import { verifyP2wpkhInput } from '../../src/consensus/p2wpkh.js';
import { analyzePsbt, extractTransaction, finalizePsbt, inputErrors, signPsbtInput } from '../../src/consensus/psbt-roles.js';
import { toHex } from '../../src/primitives/bytes.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Psbt, PsbtError } from '../../src/primitives/psbt.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { TestKey } from '../helpers/chain-harness.js';

const MAX_MONEY = 21_000_000n * 100_000_000n;
const alice = new TestKey('psbt roles alice');
const bob = new TestKey('psbt roles bob');

function twoInputPsbt(): Psbt {
  const tx = new Transaction({
    version: 2,
    inputs: [1, 2].map((n) => ({ prevout: new OutPoint(new Uint8Array(32).fill(n), 0), scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] })),
    outputs: [{ value: 290_000n, script: alice.script }],
    locktime: 0,
  });
  return Psbt.fromTransaction(tx);
}

describe('PSBT roles for P2WPKH: signer, finalizer, extractor, analysis', () => {
  test('each party signs its input; analysis follows; the extracted tx verifies', () => {
    const psbt = twoInputPsbt();
    assert.deepEqual(analyzePsbt(psbt, MAX_MONEY).next, 'updater');
    psbt.updateInput(0, { witnessUtxo: { value: 100_000n, script: alice.script } });
    psbt.updateInput(1, { witnessUtxo: { value: 200_000n, script: bob.script }, bip32Derivation: [{ publicKey: bob.publicKey, fingerprint: '01020304', path: [0] }] });
    const before = analyzePsbt(psbt, MAX_MONEY);
    assert.deepEqual(before.inputs[0].missing, { pubkeys: [toHex(alice.script.subarray(2))] });
    assert.deepEqual(before.inputs[1].missing, { signatures: [toHex(bob.script.subarray(2))] });
    assert.equal(before.fee, 10_000n);
    assert.equal(before.estimated_vsize, 178);
    assert.equal(signPsbtInput(psbt, 0, bob.privateKey, bob.publicKey), false, 'not the key the output pays');
    assert.equal(signPsbtInput(psbt, 0, alice.privateKey, alice.publicKey), true);
    assert.equal(finalizePsbt(psbt), false, 'bob has not signed');
    assert.throws(() => extractTransaction(psbt), PsbtError);
    assert.equal(analyzePsbt(psbt, MAX_MONEY).next, 'signer');
    assert.equal(signPsbtInput(psbt, 1, bob.privateKey, bob.publicKey), true);
    assert.equal(analyzePsbt(Psbt.fromBase64(psbt.toBase64()), MAX_MONEY).next, 'finalizer');
    assert.equal(finalizePsbt(psbt), true);
    const final = Psbt.fromBase64(psbt.toBase64());
    assert.equal(final.input(1).partialSigs.length, 0, 'the finalizer drops partial signatures');
    assert.equal(analyzePsbt(final, MAX_MONEY).next, 'extractor');
    const tx = extractTransaction(final);
    verifyP2wpkhInput(tx, 0, { value: 100_000n, script: alice.script });
    verifyP2wpkhInput(tx, 1, { value: 200_000n, script: bob.script });
    assert.equal(isHighS(parseDerSignature(tx.inputs[1].witness[0]).s), false);
    assert.deepEqual(inputErrors(tx, [{ value: 100_000n, script: alice.script }, { value: 200_000n, script: bob.script }]), [undefined, undefined]);
    assert.equal(analyzePsbt(final, MAX_MONEY).estimated_vsize! >= tx.vsize(), true);
  });

  test('a stored sighash type must match; outputs above the inputs are an analysis error', () => {
    const psbt = twoInputPsbt();
    psbt.updateInput(0, { witnessUtxo: { value: 100_000n, script: alice.script }, sighashType: 0x83 });
    assert.throws(() => signPsbtInput(psbt, 0, alice.privateKey, alice.publicKey, 0x01), /Specified sighash value does not match/);
    assert.equal(signPsbtInput(psbt, 0, alice.privateKey, alice.publicKey, 0x83), true);
    psbt.updateInput(1, { witnessUtxo: { value: 1_000n, script: bob.script } });
    assert.equal(analyzePsbt(psbt, MAX_MONEY).error, 'PSBT is not valid. Output amount invalid');
  });
});
