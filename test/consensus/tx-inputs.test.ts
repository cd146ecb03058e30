import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTxInputs, type CoinLookup } from '../../src/consensus/tx-inputs.js';
import type { Coin } from '../../src/primitives/coin.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import type { TxOutput } from '../../src/primitives/transaction.js';
import { networks } from '../../src/params/index.js';
import { buildTx, payTo } from '../helpers/builders.js';
import { MemoryCoinView } from '../helpers/coin-view.js';
import { assertRule } from '../helpers/rules.js';

const params = networks.regtest;
const a = new OutPoint(new Uint8Array(32).fill(1), 0);
const b = new OutPoint(new Uint8Array(32).fill(2), 3);
const coin = (value: bigint, fields: Partial<Coin> = {}): Coin => ({ value, script: payTo('owner'), height: 10, coinbase: false, ...fields });

function lookupOf(entries: Array<[OutPoint, Coin]>): CoinLookup {
  const view = new MemoryCoinView();
  for (const [outpoint, c] of entries) view.add(outpoint, c);
  return (prevout) => view.get(prevout);
}

function spend(inputs: OutPoint[], outputs: TxOutput[]) {
  return buildTx({ inputs, outputs });
}

describe('checkTxInputs (Consensus::CheckTxInputs)', () => {
  test('returns the fee: inputs minus outputs', () => {
    const lookup = lookupOf([
      [a, coin(7000n)],
      [b, coin(3000n)],
    ]);
    assert.equal(checkTxInputs(spend([a, b], [{ value: 9000n, script: payTo('x') }]), lookup, 20, params), 1000n);
    assert.equal(checkTxInputs(spend([a], [{ value: 7000n, script: payTo('x') }]), lookup, 20, params), 0n);
  });

  test('bad-txns-inputs-missingorspent', () => {
    const lookup = lookupOf([[a, coin(7000n)]]);
    assertRule(() => checkTxInputs(spend([a, b], [{ value: 1n, script: payTo('x') }]), lookup, 20, params), 'bad-txns-inputs-missingorspent');
  });

  test('bad-txns-premature-spend-of-coinbase: a coinbase output needs coinbaseMaturity (100) confirmations', () => {
    const lookup = lookupOf([[a, coin(5000n, { height: 10, coinbase: true })]]);
    const tx = spend([a], [{ value: 1n, script: payTo('x') }]);
    assertRule(() => checkTxInputs(tx, lookup, 10 + 99, params), 'bad-txns-premature-spend-of-coinbase');
    assert.equal(checkTxInputs(tx, lookup, 10 + 100, params), 4999n);
    // A non-coinbase coin is spendable at once.
    assert.equal(checkTxInputs(tx, lookupOf([[a, coin(5000n, { height: 10 })]]), 10, params), 4999n);
  });

  test('bad-txns-inputvalues-outofrange: a coin, or the running sum, outside [0, maxMoney]', () => {
    const out = [{ value: 1n, script: payTo('x') }];
    assertRule(() => checkTxInputs(spend([a], out), lookupOf([[a, coin(params.maxMoney + 1n)]]), 20, params), 'bad-txns-inputvalues-outofrange');
    assertRule(() => checkTxInputs(spend([a], out), lookupOf([[a, coin(-1n)]]), 20, params), 'bad-txns-inputvalues-outofrange');
    const both = lookupOf([
      [a, coin(params.maxMoney)],
      [b, coin(1n)],
    ]);
    assertRule(() => checkTxInputs(spend([a, b], out), both, 20, params), 'bad-txns-inputvalues-outofrange');
  });

  test('bad-txns-in-belowout', () => {
    const lookup = lookupOf([[a, coin(1000n)]]);
    assertRule(() => checkTxInputs(spend([a], [{ value: 1001n, script: payTo('x') }]), lookup, 20, params), 'bad-txns-in-belowout');
  });

  test('bad-txns-fee-outofrange: defence in depth, reachable only by a tx that skipped CheckTransaction', () => {
    // A negative output (which checkTransaction refuses) makes the fee exceed maxMoney.
    const lookup = lookupOf([[a, coin(1000n)]]);
    const tx = spend([a], [{ value: -params.maxMoney, script: payTo('x') }]);
    assertRule(() => checkTxInputs(tx, lookup, 20, params), 'bad-txns-fee-outofrange');
  });
});
