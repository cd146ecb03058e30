import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OutPoint, Transaction, fromHex, toHex, type TxOutput } from '../../src/primitives/index.js';
import { RuleError } from '../../src/consensus/errors.js';
import {
  MAX_SCRIPT_SIZE,
  checkOutputScripts,
  classifyOutputScript,
  isUnspendable,
  p2wpkhProgram,
  p2wpkhScript,
  p2wpkhScriptCode,
} from '../../src/consensus/script.js';
import { vectors } from '../helpers/vectors.js';

const HASH = fromHex('751e76e8199196d454941c45d1b3a323f1433bd6');
const P2WPKH = fromHex('0014751e76e8199196d454941c45d1b3a323f1433bd6');
const WITNESS_COMMITMENT = fromHex('6a24aa21a9ed' + '11'.repeat(32));

describe('output classification', () => {
  test('P2WPKH: OP_0 push-20', () => {
    assert.equal(toHex(p2wpkhScript(HASH)), toHex(P2WPKH));
    assert.equal(classifyOutputScript(P2WPKH), 'p2wpkh');
    assert.equal(toHex(p2wpkhProgram(P2WPKH)!), toHex(HASH));
    assert.throws(() => p2wpkhScript(new Uint8Array(19)), RangeError);
  });

  test('OP_RETURN scripts are nulldata, the BIP141 commitment included', () => {
    assert.equal(classifyOutputScript(new Uint8Array([0x6a])), 'nulldata');
    assert.equal(classifyOutputScript(WITNESS_COMMITMENT), 'nulldata');
    assert.equal(classifyOutputScript(new Uint8Array([0x6a, 0xff, 0x00])), 'nulldata', 'any bytes may follow OP_RETURN');
    assert.equal(p2wpkhProgram(WITNESS_COMMITMENT), undefined);
  });

  test('everything else is nonstandard: P2PKH, P2PK, P2WSH, P2TR, near-misses, empty', () => {
    const cases: Record<string, string> = {
      p2pkh: '76a914' + '11'.repeat(20) + '88ac',
      p2pk: '21' + '02' + '11'.repeat(32) + 'ac',
      p2sh: 'a914' + '11'.repeat(20) + '87',
      p2wsh: '0020' + '11'.repeat(32),
      p2tr: '5120' + '11'.repeat(32),
      v1_20: '5114' + '11'.repeat(20),
      short_program: '0013' + '11'.repeat(19),
      long_program: '0015' + '11'.repeat(21),
      trailing_byte: '0014' + '11'.repeat(20) + '00',
      wrong_push: '0114' + '11'.repeat(20),
      empty: '',
      op_0: '00',
    };
    for (const [name, hex] of Object.entries(cases)) {
      assert.equal(classifyOutputScript(fromHex(hex)), 'nonstandard', name);
      assert.equal(p2wpkhProgram(fromHex(hex)), undefined, name);
    }
  });

  test('property: p2wpkhScript and p2wpkhProgram are inverse', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (hash) => {
        assert.deepEqual(p2wpkhProgram(p2wpkhScript(hash)), hash);
      }),
    );
  });

  test('the BIP143 scriptCode of the vector key', () => {
    const v = vectors.segwit.bip143_native_p2wpkh;
    const program = p2wpkhProgram(fromHex(v.inputs[1].scriptPubKey))!;
    assert.equal('19' + toHex(p2wpkhScriptCode(program)), v.input1_sighash.scriptCode);
  });
});

describe('unspendable outputs', () => {
  test('OP_RETURN and oversized scripts, as Core', () => {
    assert.equal(isUnspendable(new Uint8Array([0x6a])), true);
    assert.equal(isUnspendable(WITNESS_COMMITMENT), true);
    assert.equal(isUnspendable(new Uint8Array(MAX_SCRIPT_SIZE + 1)), true);
    assert.equal(isUnspendable(new Uint8Array(MAX_SCRIPT_SIZE)), false);
    assert.equal(isUnspendable(P2WPKH), false);
    assert.equal(isUnspendable(new Uint8Array(0)), false);
  });
});

describe('checkOutputScripts', () => {
  function txWith(scripts: Uint8Array[]): Transaction {
    const outputs: TxOutput[] = scripts.map((script) => ({ value: 1n, script }));
    const input = { prevout: new OutPoint(new Uint8Array(32).fill(1), 0), scriptSig: new Uint8Array(0), sequence: 0, witness: [] };
    return new Transaction({ version: 2, inputs: [input], outputs, locktime: 0 });
  }

  test('P2WPKH and OP_RETURN outputs pass', () => {
    checkOutputScripts(txWith([P2WPKH, WITNESS_COMMITMENT, new Uint8Array([0x6a])]));
    checkOutputScripts(txWith([]));
  });

  test('any other output is bad-txns-output-script, naming the output', () => {
    const p2pkh = fromHex('76a914' + '11'.repeat(20) + '88ac');
    assert.throws(
      () => checkOutputScripts(txWith([P2WPKH, p2pkh])),
      (err: unknown) => err instanceof RuleError && err.code === 'bad-txns-output-script' && err.action === 'reject' && /output 1/.test(err.message),
    );
    assert.throws(() => checkOutputScripts(txWith([new Uint8Array(0)])), RuleError);
  });
});
