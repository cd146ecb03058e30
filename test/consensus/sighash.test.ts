import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OutPoint, Transaction, fromHex, hash160, hashToHex, toHex, type TxInput, type TxOutput } from '../../src/primitives/index.js';
import { publicKeyFromPrivate, verifyDigest } from '../../src/primitives/keys.js';
import { parseDerSignature, toCompactSignature } from '../../src/consensus/der.js';
import { signP2wpkhInput, signTransaction, verifyP2wpkhInput } from '../../src/consensus/p2wpkh.js';
import { p2wpkhProgram, p2wpkhScriptCode } from '../../src/consensus/script.js';
import {
  SIGHASH_ALL,
  SIGHASH_ANYONECANPAY,
  SIGHASH_NONE,
  SIGHASH_SINGLE,
  SIGHASH_TYPES,
  SighashCache,
  bip143Preimage,
  bip143Sighash,
  isDefinedSighashType,
} from '../../src/consensus/sighash.js';
import { arbTransaction } from '../helpers/arbitraries.js';
import { vectors } from '../helpers/vectors.js';

const v = vectors.segwit.bip143_native_p2wpkh;
const unsigned = Transaction.decode(fromHex(v.unsigned_tx_hex));
const input1 = v.inputs[1];
const input1Script = fromHex(input1.scriptPubKey);
const input1Program = p2wpkhProgram(input1Script)!;
const input1Value = BigInt(input1.amount_sat);
const input1Key = fromHex(input1.private_key);
const scriptCode = p2wpkhScriptCode(input1Program);

describe('BIP143 native P2WPKH vector', () => {
  test('the spent script is P2WPKH of the published key', () => {
    assert.ok(input1Program);
    const publicKey = publicKeyFromPrivate(input1Key);
    assert.equal(toHex(publicKey), input1.public_key);
    assert.equal(toHex(hash160(publicKey)), toHex(input1Program));
  });

  test('hashPrevouts, hashSequence, hashOutputs', () => {
    const cache = new SighashCache(unsigned);
    assert.equal(toHex(cache.hashPrevouts()), v.input1_sighash.hashPrevouts);
    assert.equal(toHex(cache.hashSequence()), v.input1_sighash.hashSequence);
    assert.equal(toHex(cache.hashOutputs()), v.input1_sighash.hashOutputs);
  });

  test('scriptCode is 0x19 76a914 <hash> 88ac', () => {
    assert.equal('19' + toHex(scriptCode), v.input1_sighash.scriptCode);
  });

  test('preimage and sighash', () => {
    const preimage = bip143Preimage(unsigned, 1, scriptCode, input1Value, v.nHashType);
    assert.equal(toHex(preimage), v.input1_sighash.preimage);
    assert.ok(v.input1_sighash.preimage.includes(v.input1_sighash.amount_le));
    assert.equal(toHex(bip143Sighash(unsigned, 1, scriptCode, input1Value, v.nHashType)), v.input1_sighash.sigHash);
  });

  test('the published signature verifies against the sighash and the derived pubkey', () => {
    const { r, s, hashType } = parseDerSignature(fromHex(v.input1_signature_der_plus_hashtype));
    assert.equal(hashType, SIGHASH_ALL);
    const sighash = fromHex(v.input1_sighash.sigHash);
    const publicKey = publicKeyFromPrivate(input1Key);
    assert.equal(verifyDigest(toCompactSignature(r, s), sighash, publicKey), true);
    const other = sighash.slice();
    other[0] ^= 1;
    assert.equal(verifyDigest(toCompactSignature(r, s), other, publicKey), false);
  });

  test('the signed tx decodes with the published txid, wtxid, size, weight and vsize', () => {
    const signed = Transaction.decode(fromHex(v.signed_tx_hex));
    assert.equal(toHex(signed.encode()), v.signed_tx_hex);
    assert.equal(unsigned.txid(), v.derived.unsigned_txid);
    assert.equal(signed.txid(), v.derived.signed_txid);
    assert.equal(signed.wtxid(), v.derived.signed_wtxid);
    assert.equal(signed.size(), v.derived.signed_size);
    assert.equal(signed.strippedSize(), v.derived.signed_stripped_size);
    assert.equal(signed.weight(), v.derived.signed_weight);
    assert.equal(signed.vsize(), v.derived.signed_vsize);
    assert.equal(toHex(signed.inputs[1].witness[0]), v.input1_signature_der_plus_hashtype);
    assert.equal(toHex(signed.inputs[1].witness[1]), input1.public_key);
  });

  test('the signed tx input 1 passes P2WPKH verification', () => {
    const signed = Transaction.decode(fromHex(v.signed_tx_hex));
    verifyP2wpkhInput(signed, 1, { value: input1Value, script: input1Script });
  });

  test('our RFC6979 signer reproduces the published signature exactly', () => {
    const witness = signP2wpkhInput(unsigned, 1, input1Value, input1Key);
    assert.equal(toHex(witness[0]), v.input1_signature_der_plus_hashtype);
    assert.equal(toHex(witness[1]), input1.public_key);
  });

  test('signTransaction rebuilds the published signed tx byte for byte', () => {
    // Input 0 is P2PK (legacy), outside our rules: carry its published scriptSig and leave it unsigned.
    const inputs = unsigned.inputs.map((input, i) => (i === 0 ? { ...input, scriptSig: fromHex(v.input0_scriptSig) } : input));
    const withInput0 = new Transaction({ ...unsigned, inputs });
    const signed = signTransaction(withInput0, [undefined, { privateKey: input1Key, value: input1Value }]);
    assert.equal(toHex(signed.encode()), v.signed_tx_hex);
  });
});

/** A tx with three inputs and three outputs whose fields we mutate one by one. */
function sampleTx(): Transaction {
  const inputs: TxInput[] = [0, 1, 2].map((i) => ({
    prevout: new OutPoint(new Uint8Array(32).fill(i + 1), i),
    scriptSig: new Uint8Array(0),
    sequence: 0xfffffff0 + i,
    witness: [],
  }));
  const outputs: TxOutput[] = [0, 1, 2].map((i) => ({ value: BigInt(1000 * (i + 1)), script: new Uint8Array(22).fill(i) }));
  return new Transaction({ version: 2, inputs, outputs, locktime: 99 });
}

const SIGNED_INPUT = 1;
const SPENT_VALUE = 5000n;
const CODE = p2wpkhScriptCode(new Uint8Array(20).fill(7));

function sighashes(tx: Transaction, value = SPENT_VALUE, code = CODE): Map<number, string> {
  const cache = new SighashCache(tx);
  return new Map(SIGHASH_TYPES.map((t) => [t, toHex(bip143Sighash(tx, SIGNED_INPUT, code, value, t, cache))]));
}

function withInput(tx: Transaction, index: number, change: Partial<TxInput>): Transaction {
  return new Transaction({ ...tx, inputs: tx.inputs.map((input, i) => (i === index ? { ...input, ...change } : input)) });
}

function withOutput(tx: Transaction, index: number, change: Partial<TxOutput>): Transaction {
  return new Transaction({ ...tx, outputs: tx.outputs.map((output, i) => (i === index ? { ...output, ...change } : output)) });
}

const ALL = SIGHASH_ALL;
const NONE = SIGHASH_NONE;
const SINGLE = SIGHASH_SINGLE;
const ALL_ACP = SIGHASH_ALL | SIGHASH_ANYONECANPAY;
const NONE_ACP = SIGHASH_NONE | SIGHASH_ANYONECANPAY;
const SINGLE_ACP = SIGHASH_SINGLE | SIGHASH_ANYONECANPAY;

/** Asserts exactly the listed hash types change between the two sets of sighashes. */
function assertChanged(before: Map<number, string>, after: Map<number, string>, changed: number[]): void {
  for (const type of SIGHASH_TYPES) {
    const label = `hash type 0x${type.toString(16)}`;
    if (changed.includes(type)) assert.notEqual(after.get(type), before.get(type), `${label} should commit to this`);
    else assert.equal(after.get(type), before.get(type), `${label} should not commit to this`);
  }
}

describe('sighash types commit to exactly what they should', () => {
  const tx = sampleTx();
  const base = sighashes(tx);

  test('the six types give six different hashes', () => {
    assert.equal(new Set(base.values()).size, 6);
  });

  test('only the six defined types are defined', () => {
    const defined = Array.from({ length: 256 }, (_, i) => i).filter(isDefinedSighashType);
    assert.deepEqual(defined, [0x01, 0x02, 0x03, 0x81, 0x82, 0x83]);
  });

  test('own prevout, own sequence, version, locktime, amount and scriptCode: every type', () => {
    const every = [...SIGHASH_TYPES];
    assertChanged(base, sighashes(withInput(tx, SIGNED_INPUT, { prevout: new OutPoint(new Uint8Array(32).fill(9), 1) })), every);
    assertChanged(base, sighashes(withInput(tx, SIGNED_INPUT, { sequence: 5 })), every);
    assertChanged(base, sighashes(new Transaction({ ...tx, version: 1 })), every);
    assertChanged(base, sighashes(new Transaction({ ...tx, locktime: 100 })), every);
    assertChanged(base, sighashes(tx, SPENT_VALUE + 1n), every);
    assertChanged(base, sighashes(tx, SPENT_VALUE, p2wpkhScriptCode(new Uint8Array(20).fill(8))), every);
  });

  test("another input's prevout: all but ANYONECANPAY", () => {
    const changed = withInput(tx, 0, { prevout: new OutPoint(new Uint8Array(32).fill(9), 0) });
    assertChanged(base, sighashes(changed), [ALL, NONE, SINGLE]);
  });

  test("another input's sequence: only ALL", () => {
    assertChanged(base, sighashes(withInput(tx, 2, { sequence: 0 })), [ALL]);
  });

  test('an added input: all but ANYONECANPAY', () => {
    const extra: TxInput = { prevout: new OutPoint(new Uint8Array(32).fill(5), 5), scriptSig: new Uint8Array(0), sequence: 0, witness: [] };
    assertChanged(base, sighashes(new Transaction({ ...tx, inputs: [...tx.inputs, extra] })), [ALL, NONE, SINGLE]);
  });

  test('the output at our index: ALL and SINGLE', () => {
    assertChanged(base, sighashes(withOutput(tx, SIGNED_INPUT, { value: 1n })), [ALL, ALL_ACP, SINGLE, SINGLE_ACP]);
  });

  test('another output or an added one: only ALL', () => {
    assertChanged(base, sighashes(withOutput(tx, 2, { value: 1n })), [ALL, ALL_ACP]);
    const extra: TxOutput = { value: 1n, script: new Uint8Array([0x6a]) };
    assertChanged(base, sighashes(new Transaction({ ...tx, outputs: [...tx.outputs, extra] })), [ALL, ALL_ACP]);
  });

  test('scriptSig and witness of any input: nothing (BIP143 does not sign them)', () => {
    assertChanged(base, sighashes(withInput(tx, SIGNED_INPUT, { witness: [new Uint8Array(3)] })), []);
    assertChanged(base, sighashes(withInput(tx, 0, { scriptSig: new Uint8Array([1, 2]), witness: [new Uint8Array(1)] })), []);
  });

  test('NONE and its ANYONECANPAY form ignore every output', () => {
    const noOutputs = new Transaction({ ...tx, outputs: [] });
    const after = sighashes(noOutputs);
    assert.equal(after.get(NONE), base.get(NONE));
    assert.equal(after.get(NONE_ACP), base.get(NONE_ACP));
  });
});

describe('SIGHASH_SINGLE without a matching output', () => {
  const tx = new Transaction({ ...sampleTx(), outputs: sampleTx().outputs.slice(0, 1) });
  const HASH_OUTPUTS_OFFSET = 4 + 32 + 32 + 36 + 1 + CODE.length + 8 + 4;

  test('hashOutputs is 32 zero bytes (no legacy "one" bug)', () => {
    for (const type of [SINGLE, SINGLE_ACP]) {
      const preimage = bip143Preimage(tx, SIGNED_INPUT, CODE, SPENT_VALUE, type);
      assert.equal(toHex(preimage.subarray(HASH_OUTPUTS_OFFSET, HASH_OUTPUTS_OFFSET + 32)), '00'.repeat(32));
    }
  });

  test('it then signs no output at all', () => {
    const before = sighashes(tx);
    const after = sighashes(withOutput(tx, 0, { value: 77n }));
    assert.equal(after.get(SINGLE), before.get(SINGLE));
    assert.notEqual(after.get(ALL), before.get(ALL));
  });

  test('with a matching output, hashOutputs is sha256d of that output only', () => {
    const preimage = bip143Preimage(tx, 0, CODE, SPENT_VALUE, SINGLE);
    assert.notEqual(toHex(preimage.subarray(HASH_OUTPUTS_OFFSET, HASH_OUTPUTS_OFFSET + 32)), '00'.repeat(32));
    const cache = new SighashCache(tx);
    // With one output, "all outputs" and "output 0" are the same bytes.
    assert.equal(toHex(preimage.subarray(HASH_OUTPUTS_OFFSET, HASH_OUTPUTS_OFFSET + 32)), toHex(cache.hashOutputs()));
  });
});

describe('SighashCache', () => {
  test('computes each whole-tx hash once', () => {
    const cache = new SighashCache(sampleTx());
    assert.equal(cache.hashPrevouts(), cache.hashPrevouts());
    assert.equal(cache.hashSequence(), cache.hashSequence());
    assert.equal(cache.hashOutputs(), cache.hashOutputs());
  });

  test('refuses to serve another transaction', () => {
    assert.throws(() => bip143Preimage(sampleTx(), 0, CODE, 1n, ALL, new SighashCache(sampleTx())));
  });

  test('refuses an input index out of range', () => {
    assert.throws(() => bip143Preimage(sampleTx(), 3, CODE, 1n, ALL), RangeError);
  });

  test('a 2,000-input tx computes its shared BIP143 hashes once, not once per input', () => {
    const inputs: TxInput[] = Array.from({ length: 2000 }, (_, i) => ({
      prevout: new OutPoint(new Uint8Array(32).fill(i & 0xff), i),
      scriptSig: new Uint8Array(0),
      sequence: i,
      witness: [],
    }));
    const tx = new Transaction({ version: 2, inputs, outputs: sampleTx().outputs, locktime: 0 });
    const cache = new SighashCache(tx);
    const first = { prevouts: cache.hashPrevouts(), sequence: cache.hashSequence(), outputs: cache.hashOutputs() };
    const hashes = new Set<string>();
    for (let i = 0; i < inputs.length; i++) hashes.add(hashToHex(bip143Sighash(tx, i, CODE, 1n, ALL, cache)));
    assert.equal(hashes.size, inputs.length);
    // The very same objects: nothing was recomputed (quadratic hashing would redo 72 KB per input).
    assert.equal(cache.hashPrevouts(), first.prevouts);
    assert.equal(cache.hashSequence(), first.sequence);
    assert.equal(cache.hashOutputs(), first.outputs);
  });

  test('property: a shared cache gives the same sighash as a fresh one', () => {
    fc.assert(
      fc.property(arbTransaction, fc.nat(), fc.constantFrom(...SIGHASH_TYPES), fc.bigInt({ min: 0n, max: 21_000_000n * 100_000_000n }), (tx, n, type, value) => {
        const index = n % tx.inputs.length;
        const shared = new SighashCache(tx);
        for (let i = 0; i < tx.inputs.length; i++) bip143Sighash(tx, i, CODE, value, ALL, shared);
        assert.equal(toHex(bip143Sighash(tx, index, CODE, value, type, shared)), toHex(bip143Sighash(tx, index, CODE, value, type)));
      }),
    );
  });
});
