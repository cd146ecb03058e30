import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkBlockSigOpsCost,
  countScriptSigOps,
  legacySigOpCount,
  MAX_BLOCK_SIGOPS_COST,
  transactionSigOpCost,
  witnessProgram,
  witnessSigOpCount,
} from '../../src/consensus/sigops.js';
import { fromHex } from '../../src/primitives/bytes.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { buildCoinbase, buildTx, payTo } from '../helpers/builders.js';
import { assertRule } from '../helpers/rules.js';

const key = '21' + '02'.padEnd(66, '1'); // push of a 33-byte pubkey
const p2pkh = fromHex('76a914' + '00'.repeat(20) + '88ac');
const multisig2of3 = fromHex('52' + key + key + key + '53ae');

describe('countScriptSigOps (GetSigOpCount)', () => {
  test('counts CHECKSIG and CHECKSIGVERIFY as one each', () => {
    assert.equal(countScriptSigOps(p2pkh), 1);
    assert.equal(countScriptSigOps(fromHex('acadacad')), 4);
    assert.equal(countScriptSigOps(new Uint8Array(0)), 0);
  });

  test('CHECKMULTISIG costs 20 when counted inaccurately, its key count when accurate', () => {
    assert.equal(countScriptSigOps(multisig2of3), 20);
    assert.equal(countScriptSigOps(multisig2of3, true), 3);
    assert.equal(countScriptSigOps(fromHex('af')), 20);
    assert.equal(countScriptSigOps(fromHex('af'), true), 20); // no OP_N before it
  });

  test('bytes inside pushes are data, not opcodes', () => {
    assert.equal(countScriptSigOps(fromHex('03acacac')), 0);
    assert.equal(countScriptSigOps(fromHex('4c02acac' + 'ac')), 1);
    assert.equal(countScriptSigOps(fromHex('4d0200acac' + 'ac')), 1);
    assert.equal(countScriptSigOps(fromHex('4e02000000acac' + 'ac')), 1);
  });

  test('a truncated push ends the count, as Core\'s GetOp fails', () => {
    assert.equal(countScriptSigOps(fromHex('ac05acac')), 1);
    assert.equal(countScriptSigOps(fromHex('ac4c')), 1);
    assert.equal(countScriptSigOps(fromHex('ac4d01')), 1);
    assert.equal(countScriptSigOps(fromHex('ac4effffffff')), 1);
    assert.equal(countScriptSigOps(fromHex('ac4c05acac')), 1);
  });

  test('never throws on random garbage', () => {
    let seed = 7;
    for (let n = 0; n < 2000; n++) {
      const script = new Uint8Array(n % 64).map(() => (seed = (seed * 1103515245 + 12345) & 0xff));
      const count = countScriptSigOps(script);
      assert.ok(count >= 0 && count <= script.length * 20);
    }
  });
});

describe('transaction sigops', () => {
  test('legacySigOpCount sums scriptSigs and output scripts', () => {
    const tx = buildTx({
      inputs: [{ prevout: new OutPoint(new Uint8Array(32).fill(1), 0), scriptSig: fromHex('ac') }],
      outputs: [
        { value: 1n, script: p2pkh },
        { value: 1n, script: multisig2of3 },
        { value: 1n, script: payTo('a') },
      ],
    });
    assert.equal(legacySigOpCount(tx), 22);
  });

  test('witnessProgram recognises versioned programs only', () => {
    assert.deepEqual(witnessProgram(payTo('a'))?.version, 0);
    assert.equal(witnessProgram(payTo('a'))?.program.length, 20);
    assert.equal(witnessProgram(fromHex('5120' + '00'.repeat(32)))?.version, 1);
    assert.equal(witnessProgram(p2pkh), undefined);
    assert.equal(witnessProgram(fromHex('0015' + '00'.repeat(20))), undefined); // length byte lies
  });

  test('witness sigops: 1 per P2WPKH input, the witness script\'s accurate count for P2WSH, 0 otherwise', () => {
    assert.equal(witnessSigOpCount([], payTo('a')), 1);
    assert.equal(witnessSigOpCount([new Uint8Array(0), multisig2of3], fromHex('0020' + '00'.repeat(32))), 3);
    assert.equal(witnessSigOpCount([], fromHex('0020' + '00'.repeat(32))), 0);
    assert.equal(witnessSigOpCount([], p2pkh), 0);
    assert.equal(witnessSigOpCount([], fromHex('5120' + '00'.repeat(32))), 0);
    // Near misses of P2WPKH: a 21-byte v0 program, a 20-byte v1 program, a 20-byte push one byte short.
    assert.equal(witnessSigOpCount([], fromHex('0015' + '00'.repeat(21))), 0);
    assert.equal(witnessSigOpCount([], fromHex('5114' + '00'.repeat(20))), 0);
    assert.equal(witnessSigOpCount([], fromHex('0014' + '00'.repeat(19))), 0);
  });

  test('transactionSigOpCost: legacy x4, plus witness sigops once segwit is active', () => {
    const coin = { value: 10n, script: payTo('a'), height: 1, coinbase: false };
    const tx = buildTx({
      inputs: [new OutPoint(new Uint8Array(32).fill(1), 0), new OutPoint(new Uint8Array(32).fill(1), 1)],
      outputs: [{ value: 1n, script: p2pkh }],
    });
    assert.equal(transactionSigOpCost(tx, [coin, coin], true), 4 + 2);
    assert.equal(transactionSigOpCost(tx, [coin, coin], false), 4);
    const coinbase = buildCoinbase({ height: 3, outputs: [{ value: 1n, script: p2pkh }] });
    assert.equal(transactionSigOpCost(coinbase, [], true), 4);
  });

  test('bad-blk-sigops above MAX_BLOCK_SIGOPS_COST', () => {
    checkBlockSigOpsCost(MAX_BLOCK_SIGOPS_COST);
    assertRule(() => checkBlockSigOpsCost(MAX_BLOCK_SIGOPS_COST + 1), 'bad-blk-sigops');
  });
});
