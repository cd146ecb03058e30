import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTransaction } from '../../src/consensus/tx-checks.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Transaction, type TxInput, type TxOutput } from '../../src/primitives/transaction.js';
import { networks } from '../../src/params/index.js';
import { buildCoinbase, buildTx, payTo } from '../helpers/builders.js';
import { assertRule } from '../helpers/rules.js';

const params = networks.regtest;
const prevA = new OutPoint(new Uint8Array(32).fill(1), 0);
const prevB = new OutPoint(new Uint8Array(32).fill(1), 1);

function spend(outputs: TxOutput[], inputs: OutPoint[] = [prevA]): Transaction {
  return buildTx({ inputs, outputs });
}

function withInputs(tx: Transaction, inputs: TxInput[]): Transaction {
  return new Transaction({ ...tx, inputs });
}

describe('checkTransaction (CheckTransaction)', () => {
  test('a valid spend and a valid coinbase pass', () => {
    checkTransaction(spend([{ value: 1000n, script: payTo('a') }], [prevA, prevB]), params);
    checkTransaction(buildCoinbase({ height: 5, value: 50n }), params);
  });

  test('bad-txns-vin-empty', () => {
    assertRule(() => checkTransaction(withInputs(spend([{ value: 1n, script: payTo('a') }]), []), params), 'bad-txns-vin-empty');
  });

  test('bad-txns-vout-empty', () => {
    assertRule(() => checkTransaction(spend([]), params), 'bad-txns-vout-empty');
  });

  test('bad-txns-oversize: stripped size * 4 above the block weight limit', () => {
    const huge = spend([{ value: 1n, script: new Uint8Array(1_000_000) }]);
    assertRule(() => checkTransaction(huge, params), 'bad-txns-oversize');
    // The witness does not count: a tx whose witness alone is large passes this check.
    const bigWitness = buildTx({ inputs: [{ prevout: prevA, witness: [new Uint8Array(1_000_000)] }], outputs: [{ value: 1n, script: payTo('a') }] });
    checkTransaction(bigWitness, params);
  });

  test('bad-txns-vout-negative', () => {
    assertRule(() => checkTransaction(spend([{ value: -1n, script: payTo('a') }]), params), 'bad-txns-vout-negative');
  });

  test('bad-txns-vout-toolarge', () => {
    checkTransaction(spend([{ value: params.maxMoney, script: payTo('a') }]), params);
    assertRule(() => checkTransaction(spend([{ value: params.maxMoney + 1n, script: payTo('a') }]), params), 'bad-txns-vout-toolarge');
  });

  test('bad-txns-txouttotal-toolarge', () => {
    const half = params.maxMoney / 2n + 1n;
    const tx = spend([
      { value: half, script: payTo('a') },
      { value: half, script: payTo('b') },
    ]);
    assertRule(() => checkTransaction(tx, params), 'bad-txns-txouttotal-toolarge');
  });

  test('bad-txns-inputs-duplicate', () => {
    const tx = spend([{ value: 1n, script: payTo('a') }], [prevA, prevB, new OutPoint(prevA.txid.slice(), 0)]);
    assertRule(() => checkTransaction(tx, params), 'bad-txns-inputs-duplicate');
  });

  test('bad-txns-inputs-duplicate at any position, with few inputs (compared in pairs) or many (a set)', () => {
    const distinct = (n: number) => Array.from({ length: n }, (_, i) => new OutPoint(new Uint8Array(32).fill(2), i));
    const out = [{ value: 1n, script: payTo('a') }];
    for (const n of [2, 3, 8, 9, 40]) {
      checkTransaction(spend(out, distinct(n)), params);
      for (const [a, b] of [[0, 1], [0, n - 1], [n - 2, n - 1]]) {
        const inputs = distinct(n);
        inputs[b] = new OutPoint(inputs[a].txid.slice(), inputs[a].index);
        assertRule(() => checkTransaction(spend(out, inputs), params), 'bad-txns-inputs-duplicate');
      }
    }
  });

  test('bad-cb-length: coinbase scriptSig must be 2..100 bytes', () => {
    const coinbase = buildCoinbase({ height: 5, value: 50n });
    const withScript = (length: number) =>
      withInputs(coinbase, [{ ...coinbase.inputs[0], scriptSig: new Uint8Array(length).fill(0x51) }]);
    checkTransaction(withScript(2), params);
    checkTransaction(withScript(100), params);
    assertRule(() => checkTransaction(withScript(1), params), 'bad-cb-length');
    assertRule(() => checkTransaction(withScript(101), params), 'bad-cb-length');
  });

  test('bad-txns-prevout-null: only a lone input may reference the null outpoint', () => {
    const tx = spend([{ value: 1n, script: payTo('a') }], [prevA, OutPoint.null()]);
    assert.equal(tx.isCoinbase(), false);
    assertRule(() => checkTransaction(tx, params), 'bad-txns-prevout-null');
  });
});
