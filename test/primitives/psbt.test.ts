/**
 * The PSBT codec against BIP174's own test vectors (bitcoin/bips, bip-0174.mediawiki "Test
 * Vectors"): invalid ones are refused with PsbtError, valid ones decode and encode back to the
 * same bytes (unknown fields included), and the node's own P2WPKH PSBTs round-trip.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Psbt, PsbtError } from '../../src/primitives/psbt.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { TestKey } from '../helpers/chain-harness.js';

const BIP174 = {
  "invalidWitnessUtxoKey": "cHNidP8BAFUCAAAAASeaIyOl37UfxF8iD6WLD8E+HjNCeSqF1+Ns1jM7XLw5AAAAAAD/////AaBa6gsAAAAAGXapFP/pwAYQl8w7Y28ssEYPpPxCfStFiKwAAAAAAAIBACCVXuoLAAAAABepFGNFIA9o0YnhrcDfHE0W6o8UwNvrhyICA7E0HMunaDtq9PEjjNbpfnFn1Wn6xH8eSNR1QYRDVb1GRjBDAiAEJLWO/6qmlOFVnqXJO7/UqJBkIkBVzfBwtncUaUQtBwIfXI6w/qZRbWC4rLM61k7eYOh4W/s6qUuZvfhhUduamgEBBCIAIHcf0YrUWWZt1J89Vk49vEL0yEd042CtoWgWqO1IjVaBAQVHUiEDsTQcy6doO2r08SOM1ul+cWfVafrEfx5I1HVBhENVvUYhA95V0eHayAXj+KWMH7+blMAvPbqv4Sf+/KSZXyb4IIO9Uq4iBgOxNBzLp2g7avTxI4zW6X5xZ9Vp+sR/HkjUdUGEQ1W9RhC0prpnAAAAgAAAAIAEAACAIgYD3lXR4drIBeP4pYwfv5uUwC89uq/hJ/78pJlfJvggg70QtKa6ZwAAAIAAAACABQAAgAAA",
  "invalidPartialSigPubkey": "cHNidP8BAFUCAAAAASeaIyOl37UfxF8iD6WLD8E+HjNCeSqF1+Ns1jM7XLw5AAAAAAD/////AaBa6gsAAAAAGXapFP/pwAYQl8w7Y28ssEYPpPxCfStFiKwAAAAAAAEBIJVe6gsAAAAAF6kUY0UgD2jRieGtwN8cTRbqjxTA2+uHIQIDsTQcy6doO2r08SOM1ul+cWfVafrEfx5I1HVBhENVvUYwQwIgBCS1jv+qppThVZ6lyTu/1KiQZCJAVc3wcLZ3FGlELQcCH1yOsP6mUW1guKyzOtZO3mDoeFv7OqlLmb34YVHbmpoBAQQiACB3H9GK1FlmbdSfPVZOPbxC9MhHdONgraFoFqjtSI1WgQEFR1IhA7E0HMunaDtq9PEjjNbpfnFn1Wn6xH8eSNR1QYRDVb1GIQPeVdHh2sgF4/iljB+/m5TALz26r+En/vykmV8m+CCDvVKuIgYDsTQcy6doO2r08SOM1ul+cWfVafrEfx5I1HVBhENVvUYQtKa6ZwAAAIAAAACABAAAgCIGA95V0eHayAXj+KWMH7+blMAvPbqv4Sf+/KSZXyb4IIO9ELSmumcAAACAAAAAgAUAAIAAAA==",
  "invalidBip32Pubkey": "cHNidP8BAFUCAAAAASeaIyOl37UfxF8iD6WLD8E+HjNCeSqF1+Ns1jM7XLw5AAAAAAD/////AaBa6gsAAAAAGXapFP/pwAYQl8w7Y28ssEYPpPxCfStFiKwAAAAAAAEBIJVe6gsAAAAAF6kUY0UgD2jRieGtwN8cTRbqjxTA2+uHIgIDsTQcy6doO2r08SOM1ul+cWfVafrEfx5I1HVBhENVvUZGMEMCIAQktY7/qqaU4VWepck7v9SokGQiQFXN8HC2dxRpRC0HAh9cjrD+plFtYLisszrWTt5g6Hhb+zqpS5m9+GFR25qaAQEEIgAgdx/RitRZZm3Unz1WTj28QvTIR3TjYK2haBao7UiNVoEBBUdSIQOxNBzLp2g7avTxI4zW6X5xZ9Vp+sR/HkjUdUGEQ1W9RiED3lXR4drIBeP4pYwfv5uUwC89uq/hJ/78pJlfJvggg71SriEGA7E0HMunaDtq9PEjjNbpfnFn1Wn6xH8eSNR1QYRDVb0QtKa6ZwAAAIAAAACABAAAgCIGA95V0eHayAXj+KWMH7+blMAvPbqv4Sf+/KSZXyb4IIO9ELSmumcAAACAAAAAgAUAAIAAAA==",
  "validP2shP2wshOneSig": "cHNidP8BAFUCAAAAASeaIyOl37UfxF8iD6WLD8E+HjNCeSqF1+Ns1jM7XLw5AAAAAAD/////AaBa6gsAAAAAGXapFP/pwAYQl8w7Y28ssEYPpPxCfStFiKwAAAAAAAEBIJVe6gsAAAAAF6kUY0UgD2jRieGtwN8cTRbqjxTA2+uHIgIDsTQcy6doO2r08SOM1ul+cWfVafrEfx5I1HVBhENVvUZGMEMCIAQktY7/qqaU4VWepck7v9SokGQiQFXN8HC2dxRpRC0HAh9cjrD+plFtYLisszrWTt5g6Hhb+zqpS5m9+GFR25qaAQEEIgAgdx/RitRZZm3Unz1WTj28QvTIR3TjYK2haBao7UiNVoEBBUdSIQOxNBzLp2g7avTxI4zW6X5xZ9Vp+sR/HkjUdUGEQ1W9RiED3lXR4drIBeP4pYwfv5uUwC89uq/hJ/78pJlfJvggg71SriIGA7E0HMunaDtq9PEjjNbpfnFn1Wn6xH8eSNR1QYRDVb1GELSmumcAAACAAAAAgAQAAIAiBgPeVdHh2sgF4/iljB+/m5TALz26r+En/vykmV8m+CCDvRC0prpnAAAAgAAAAIAFAACAAAA=",
  "validUnknownInputTypes": "cHNidP8BAD8CAAAAAf//////////////////////////////////////////AAAAAAD/////AQAAAAAAAAAAA2oBAAAAAAAACvABAgMEBQYHCAkPAQIDBAUGBwgJCgsMDQ4PAAA=",
  "validEmpty": "cHNidP8BAAoAAAAAAAAAAAAAAA==",
  "validNoInputs": "cHNidP8BAEwCAAAAAALT3/UFAAAAABl2qRTQxZkDxbrChodg6Q/VIaRmWqdlIIisAOH1BQAAAAAXqRQ1RebjO4MsRwUPJNPuuTycA5SLx4ezLhMAAAAA"
};

describe('PSBT codec (BIP174 v0)', () => {
  test('BIP174 invalid vectors are refused with PsbtError', () => {
    for (const name of ['invalidWitnessUtxoKey', 'invalidPartialSigPubkey', 'invalidBip32Pubkey'] as const) {
      assert.throws(() => Psbt.fromBase64(BIP174[name]), PsbtError, name);
    }
    // A network transaction is not a PSBT; neither is text that is not base64.
    assert.throws(() => Psbt.fromBase64('AgAAAAEmgXE3Ht/yhek3re6ks3t4AAwFZsuzrWRkFxPKQhcb9gAAAABq'), { name: 'PsbtError', message: 'Invalid PSBT magic bytes' });
    assert.throws(() => Psbt.fromBase64('cHNidP8@@'), { name: 'PsbtError', message: 'invalid base64' });
    assert.throws(() => Psbt.fromBase64('cHNidP8BAA=='), PsbtError);
  });

  test('BIP174 valid vectors decode and encode back byte for byte', () => {
    for (const name of ['validP2shP2wshOneSig', 'validUnknownInputTypes', 'validEmpty', 'validNoInputs'] as const) {
      const psbt = Psbt.fromBase64(BIP174[name]);
      assert.equal(psbt.toBase64(), BIP174[name], name);
    }
    const multisig = Psbt.fromBase64(BIP174.validP2shP2wshOneSig);
    const input = multisig.input(0);
    assert.equal(input.partialSigs.length, 1);
    assert.equal(input.bip32Derivation.length, 2);
    assert.equal(input.bip32Derivation[0].fingerprint, 'b4a6ba67');
    assert.ok(input.witnessScript && input.redeemScript);
    assert.equal(multisig.spentOutput(0)?.value, 199_909_013n);
    assert.equal(Psbt.fromBase64(BIP174.validUnknownInputTypes).input(0).unknown.length, 1);
    assert.equal(Psbt.fromBase64(BIP174.validNoInputs).tx.outputs.length, 2);
  });

  test('a P2WPKH PSBT of ours round-trips, and an unsigned tx with signatures is refused', () => {
    const key = new TestKey('psbt codec');
    const tx = new Transaction({ version: 2, inputs: [{ prevout: new OutPoint(new Uint8Array(32).fill(3), 1), scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }], outputs: [{ value: 5_000n, script: key.script }], locktime: 7 });
    const psbt = Psbt.fromTransaction(tx);
    psbt.updateInput(0, { witnessUtxo: { value: 6_000n, script: key.script }, bip32Derivation: [{ publicKey: key.publicKey, fingerprint: 'deadbeef', path: [0x80000054, 0x80000001, 0x80000000, 0, 5] }] });
    const back = Psbt.fromBase64(psbt.toBase64());
    assert.equal(back.tx.txid(), tx.txid());
    assert.equal(back.tx.locktime, 7);
    assert.deepEqual(back.input(0).bip32Derivation[0].path, [0x80000054, 0x80000001, 0x80000000, 0, 5]);
    assert.equal(back.spentOutput(0)?.value, 6_000n);
    const signed = key.spend([{ outpoint: tx.inputs[0].prevout, value: 6_000n }], tx.outputs);
    assert.throws(() => Psbt.fromTransaction(signed), PsbtError);
  });
});
