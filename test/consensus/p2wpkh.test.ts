import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OutPoint, Transaction, hash160, type TxInput } from '../../src/primitives/index.js';
import { CURVE_ORDER, isValidPrivateKey, publicKeyFromPrivate, signDigest, verifyDigest } from '../../src/primitives/keys.js';
import * as secp from '@noble/secp256k1';
import { encodeDerSignature, parseDerSignature, toCompactSignature } from '../../src/consensus/der.js';
import { RuleError } from '../../src/consensus/errors.js';
import {
  prepareP2wpkhInput,
  signP2wpkhInput,
  signTransaction,
  signatureCheckKey,
  verifyP2wpkhInput,
  verifySignatureCheck,
  type SpentOutput,
  signatureCheckDigest,
} from '../../src/consensus/p2wpkh.js';
import { p2wpkhScript, p2wpkhScriptCode } from '../../src/consensus/script.js';
import { SIGHASH_ALL, SIGHASH_NONE, SIGHASH_TYPES, SighashCache, bip143Sighash } from '../../src/consensus/sighash.js';

const KEY_A = new Uint8Array(32).fill(0x11);
const KEY_B = new Uint8Array(32).fill(0x22);
const PUB_A = publicKeyFromPrivate(KEY_A);
const PUB_B = publicKeyFromPrivate(KEY_B);
const COIN_A: SpentOutput = { value: 50_000n, script: p2wpkhScript(hash160(PUB_A)) };
const COIN_B: SpentOutput = { value: 70_000n, script: p2wpkhScript(hash160(PUB_B)) };

function unsignedTx(): Transaction {
  const inputs: TxInput[] = [0, 1].map((i) => ({
    prevout: new OutPoint(new Uint8Array(32).fill(0xa0 + i), i),
    scriptSig: new Uint8Array(0),
    sequence: 0xffffffff,
    witness: [],
  }));
  return new Transaction({
    version: 2,
    inputs,
    outputs: [{ value: 100_000n, script: p2wpkhScript(new Uint8Array(20).fill(3)) }],
    locktime: 0,
  });
}

const SIGNED = signTransaction(unsignedTx(), [
  { privateKey: KEY_A, value: COIN_A.value },
  { privateKey: KEY_B, value: COIN_B.value },
]);

/** SIGNED with input 0 changed. */
function withInput0(change: Partial<TxInput>): Transaction {
  return new Transaction({ ...SIGNED, inputs: SIGNED.inputs.map((input, i) => (i === 0 ? { ...input, ...change } : input)) });
}

function withSignature0(sig: Uint8Array): Transaction {
  return withInput0({ witness: [sig, SIGNED.inputs[0].witness[1]] });
}

function expectFailure(tx: Transaction, coin: SpentOutput, detail: string): void {
  assert.throws(
    () => verifyP2wpkhInput(tx, 0, coin, new SighashCache(tx)),
    (err: unknown) => {
      assert.ok(err instanceof RuleError, `expected a RuleError, got ${String(err)}`);
      assert.equal(err.code, 'mandatory-script-verify-flag-failed');
      assert.equal(err.action, 'reject');
      assert.equal(err.message, `mandatory-script-verify-flag-failed: ${detail}`);
      return true;
    },
  );
}

const DER = 'Non-canonical DER signature';
const HIGH_S = 'Non-canonical signature: S value is unnecessarily high';
const HASHTYPE = 'Signature hash type missing or not understood';
const NULLFAIL = 'Signature must be zero for failed CHECK(MULTI)SIG operation';
const MISMATCH = 'Witness program hash mismatch';

describe('valid P2WPKH spends', () => {
  test('both inputs verify, sharing one SighashCache', () => {
    const cache = new SighashCache(SIGNED);
    verifyP2wpkhInput(SIGNED, 0, COIN_A, cache);
    verifyP2wpkhInput(SIGNED, 1, COIN_B, cache);
  });

  test('signing leaves scriptSig empty and puts [sig, pubkey] in the witness', () => {
    for (const input of SIGNED.inputs) {
      assert.equal(input.scriptSig.length, 0);
      assert.equal(input.witness.length, 2);
      assert.equal(input.witness[1].length, 33);
      assert.equal(input.witness[0].at(-1), SIGHASH_ALL);
    }
    assert.equal(SIGNED.txid(), unsignedTx().txid(), 'the witness does not change the txid');
  });

  test('prepare then verify: a plain-bytes check and a stable cache key', () => {
    const check = prepareP2wpkhInput(SIGNED, 0, COIN_A, new SighashCache(SIGNED));
    assert.equal(check.preimageHash.length, 32);
    assert.deepEqual(signatureCheckDigest(check), bip143Sighash(SIGNED, 0, p2wpkhScriptCode(hash160(PUB_A)), COIN_A.value, SIGHASH_ALL));
    assert.equal(check.signature.length, 64);
    assert.deepEqual(check.publicKey, PUB_A);
    assert.equal(verifySignatureCheck(check), true);
    const key = signatureCheckKey(check);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(signatureCheckKey(prepareP2wpkhInput(SIGNED, 0, COIN_A, new SighashCache(SIGNED))), key);
    assert.notEqual(signatureCheckKey(prepareP2wpkhInput(SIGNED, 1, COIN_B, new SighashCache(SIGNED))), key);
  });

  test('every one of the six sighash types signs and verifies', () => {
    for (const type of SIGHASH_TYPES) {
      const tx = signTransaction(unsignedTx(), [
        { privateKey: KEY_A, value: COIN_A.value, sighashType: type },
        { privateKey: KEY_B, value: COIN_B.value, sighashType: type },
      ]);
      assert.equal(tx.inputs[0].witness[0].at(-1), type);
      const cache = new SighashCache(tx);
      verifyP2wpkhInput(tx, 0, COIN_A, cache);
      verifyP2wpkhInput(tx, 1, COIN_B, cache);
    }
  });

  test('signing is deterministic (RFC6979)', () => {
    const again = signP2wpkhInput(unsignedTx(), 0, COIN_A.value, KEY_A);
    assert.deepEqual(again, SIGNED.inputs[0].witness);
  });

  test('property: sign then verify for random keys, amounts and transactions', () => {
    const arbKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter(isValidPrivateKey);
    fc.assert(
      fc.property(arbKey, fc.bigInt({ min: 1n, max: 2_100_000_000_000_000n }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(...SIGHASH_TYPES), (key, value, locktime, type) => {
        const tx = new Transaction({ ...unsignedTx(), locktime });
        const signed = signTransaction(tx, [{ privateKey: key, value, sighashType: type }, undefined]);
        verifyP2wpkhInput(signed, 0, { value, script: p2wpkhScript(hash160(publicKeyFromPrivate(key))) });
      }),
      { numRuns: 40 },
    );
  });

  test('property: signDigest / verifyDigest round trip, and a flipped bit fails', () => {
    const arbKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter(isValidPrivateKey);
    const arbDigest = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(arbKey, arbDigest, fc.nat(255), (key, digest, bit) => {
        const sig = signDigest(digest, key);
        const pub = publicKeyFromPrivate(key);
        assert.equal(verifyDigest(sig, digest, pub), true);
        const flipped = digest.slice();
        flipped[bit >> 3] ^= 1 << (bit & 7);
        assert.equal(verifyDigest(sig, flipped, pub), false);
      }),
      { numRuns: 30 },
    );
  });
});

describe('P2WPKH failure modes', () => {
  const sig0 = SIGNED.inputs[0].witness[0];
  const parsed0 = parseDerSignature(sig0);

  test('high S: refused even though the signature is mathematically valid', () => {
    const highS = encodeDerSignature(toCompactSignature(parsed0.r, CURVE_ORDER - parsed0.s), SIGHASH_ALL);
    const sighash = bip143Sighash(SIGNED, 0, p2wpkhScriptCode(hash160(PUB_A)), COIN_A.value, SIGHASH_ALL);
    const compact = toCompactSignature(parsed0.r, CURVE_ORDER - parsed0.s);
    assert.equal(secp.verify(compact, sighash, PUB_A, { prehash: false, lowS: false }), true);
    expectFailure(withSignature0(highS), COIN_A, HIGH_S);
  });

  test('non-DER: padded R, truncated, wrong tag, trailing garbage', () => {
    const lenR = sig0[3];
    const padded = new Uint8Array([0x30, sig0[1] + 1, 0x02, lenR + 1, 0x00, ...sig0.subarray(4)]);
    expectFailure(withSignature0(padded), COIN_A, DER);
    expectFailure(withSignature0(sig0.subarray(0, sig0.length - 2)), COIN_A, DER);
    const wrongTag = sig0.slice();
    wrongTag[0] = 0x31;
    expectFailure(withSignature0(wrongTag), COIN_A, DER);
    expectFailure(withSignature0(new Uint8Array([...sig0, 0x01])), COIN_A, DER);
  });

  test('undefined hash types', () => {
    for (const type of [0x00, 0x04, 0x41, 0x84, 0xff]) {
      const sig = sig0.slice();
      sig[sig.length - 1] = type;
      expectFailure(withSignature0(sig), COIN_A, HASHTYPE);
    }
  });

  test('a defined hash type other than the one signed: bad signature', () => {
    const sig = sig0.slice();
    sig[sig.length - 1] = SIGHASH_NONE;
    expectFailure(withSignature0(sig), COIN_A, NULLFAIL);
  });

  test('uncompressed pubkey, even when it is the key the output pays', () => {
    const uncompressed = secp.getPublicKey(KEY_A, false);
    const coin = { value: COIN_A.value, script: p2wpkhScript(hash160(uncompressed)) };
    expectFailure(withInput0({ witness: [sig0, uncompressed] }), coin, 'Using non-compressed keys in segwit');
  });

  test('a pubkey with an unknown prefix byte', () => {
    const odd = PUB_A.slice();
    odd[0] = 0x05;
    const coin = { value: COIN_A.value, script: p2wpkhScript(hash160(odd)) };
    expectFailure(withInput0({ witness: [sig0, odd] }), coin, 'Public key is neither compressed or uncompressed');
  });

  test('wrong pubkey: not the one the output pays', () => {
    expectFailure(withInput0({ witness: [sig0, PUB_B] }), COIN_A, 'Script failed an OP_EQUALVERIFY operation');
  });

  test('right key, wrong coin: another P2WPKH output', () => {
    expectFailure(SIGNED, COIN_B, 'Script failed an OP_EQUALVERIFY operation');
  });

  test('non-empty scriptSig', () => {
    expectFailure(withInput0({ scriptSig: new Uint8Array([0x00]) }), COIN_A, 'Witness requires empty scriptSig');
  });

  test('wrong witness item count: 0, 1 and 3', () => {
    const [sig, pub] = SIGNED.inputs[0].witness;
    expectFailure(withInput0({ witness: [] }), COIN_A, MISMATCH);
    expectFailure(withInput0({ witness: [pub] }), COIN_A, MISMATCH);
    expectFailure(withInput0({ witness: [sig, pub, new Uint8Array(0)] }), COIN_A, MISMATCH);
  });

  test('oversized witness item', () => {
    expectFailure(withInput0({ witness: [new Uint8Array(521), PUB_A] }), COIN_A, 'Push value size limit exceeded');
  });

  test('wrong amount: the sighash differs, so the signature fails', () => {
    expectFailure(SIGNED, { ...COIN_A, value: COIN_A.value + 1n }, NULLFAIL);
  });

  test('signature by another key over the right sighash', () => {
    const sighash = bip143Sighash(SIGNED, 0, p2wpkhScriptCode(hash160(PUB_A)), COIN_A.value, SIGHASH_ALL);
    const forged = encodeDerSignature(signDigest(sighash, KEY_B), SIGHASH_ALL);
    expectFailure(withSignature0(forged), COIN_A, NULLFAIL);
  });

  test('empty signature: a well-formed "no"', () => {
    expectFailure(withSignature0(new Uint8Array(0)), COIN_A, 'Script evaluated without error but finished with a false/empty top stack element');
  });

  test('r or s at or above the order: valid DER, not "high S", fails verification (as Core)', () => {
    const overflow = CURVE_ORDER + 1n;
    const derOf = (r: bigint, s: bigint): Uint8Array => {
      const int = (n: bigint): number[] => {
        const hex = n.toString(16);
        const bytes = [...Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')];
        return bytes[0] & 0x80 ? [0, ...bytes] : bytes;
      };
      const R = int(r);
      const S = int(s);
      return new Uint8Array([0x30, 4 + R.length + S.length, 0x02, R.length, ...R, 0x02, S.length, ...S, SIGHASH_ALL]);
    };
    expectFailure(withSignature0(derOf(overflow, parsed0.s)), COIN_A, NULLFAIL);
    expectFailure(withSignature0(derOf(parsed0.r, overflow)), COIN_A, NULLFAIL);
    expectFailure(withSignature0(derOf(0n, parsed0.s)), COIN_A, NULLFAIL);
  });

  test('the spent output is not P2WPKH', () => {
    expectFailure(SIGNED, { value: COIN_A.value, script: new Uint8Array([0x6a, 0x01, 0x00]) }, 'Spent output is not P2WPKH');
    const p2wsh = new Uint8Array([0x00, 0x20, ...new Uint8Array(32)]);
    expectFailure(SIGNED, { value: COIN_A.value, script: p2wsh }, 'Spent output is not P2WPKH');
  });

  test('one bad input does not taint the other', () => {
    const tx = withInput0({ witness: [] });
    verifyP2wpkhInput(tx, 1, COIN_B);
  });
});
