import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectBlockInputs } from '../../src/consensus/block-inputs.js';
import { blockSubsidy } from '../../src/consensus/subsidy.js';
import type { Block } from '../../src/primitives/block.js';
import type { Coin } from '../../src/primitives/coin.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import type { Transaction } from '../../src/primitives/transaction.js';
import { networks } from '../../src/params/index.js';
import { assembleBlock, buildBlock, buildCoinbase, buildTx, genesisBlock, outpoint, payTo } from '../helpers/builders.js';
import { MemoryCoinView } from '../helpers/coin-view.js';
import { assertRule } from '../helpers/rules.js';

const params = networks.regtest;
const genesis = genesisBlock(params);
const HEIGHT = 200;
const subsidy = blockSubsidy(HEIGHT, params);
const matureCoinbase = new OutPoint(new Uint8Array(32).fill(0xcb), 0);
const plain = new OutPoint(new Uint8Array(32).fill(0xaa), 1);

function freshView(): MemoryCoinView {
  return new MemoryCoinView()
    .add(matureCoinbase, { value: 50_000n, script: payTo('miner'), height: HEIGHT - 100, coinbase: true })
    .add(plain, { value: 20_000n, script: payTo('alice'), height: 150, coinbase: false });
}

function blockOf(txs: Transaction[], fees = 0n, extra: { coinbaseValue?: bigint } = {}): Block {
  return buildBlock({ params, parent: genesis, height: HEIGHT, txs, fees, ...extra });
}

function pay(inputs: OutPoint[], ...values: bigint[]): Transaction {
  return buildTx({ inputs, outputs: values.map((value, i) => ({ value, script: payTo(`out${i}`) })) });
}

describe('connectBlockInputs', () => {
  test('spends, chains within the block, sums fees and returns UTXO changes, undo data and inputs to verify', () => {
    const view = freshView();
    const t1 = pay([matureCoinbase], 30_000n, 19_000n); // fee 1,000
    const t2 = pay([outpoint(t1, 0), plain], 49_500n); // spends t1's output in the same block; fee 500
    const block = blockOf([t1, t2], 1_500n);
    const result = connectBlockInputs(block, HEIGHT, view, params);

    assert.equal(result.fees, 1_500n);
    assert.deepEqual(result.spent.map((e) => e.outpoint.key()), [matureCoinbase.key(), plain.key()]);
    assert.equal(result.spent[0].coin.value, 50_000n);
    // t1:0 was created and spent inside the block: in neither list. The commitment output is OP_RETURN: not created.
    const createdCoins = new Map<string, Coin>();
    for (const outputs of result.created.values()) outputs.forEachCoin((op, coin) => createdCoins.set(op.key(), coin));
    const created = new Set(createdCoins.keys());
    assert.deepEqual(new Set(result.spentKeys), new Set([matureCoinbase.key(), plain.key()]));
    assert.deepEqual(created, new Set([outpoint(block.txs[0], 0).key(), outpoint(t1, 1).key(), outpoint(t2, 0).key()]));
    const coinbaseCoin = createdCoins.get(outpoint(block.txs[0], 0).key());
    assert.deepEqual(coinbaseCoin, { value: subsidy + 1_500n, script: payTo('miner'), height: HEIGHT, coinbase: true });
    assert.equal(createdCoins.get(outpoint(t1, 1).key())!.coinbase, false);

    assert.deepEqual(
      result.spentCoins.map((coins) => coins.map((coin) => coin.value)),
      [[], [50_000n], [30_000n, 20_000n]],
      'by tx, in input order, the coinbase spending none',
    );
    assert.equal(result.sigOpsCost, 3); // three P2WPKH inputs, no legacy sigops

    // Apply then undo gives back the parent's UTXO set exactly.
    const before = freshView();
    view.apply(result);
    assert.equal(view.get(matureCoinbase), undefined);
    assert.equal(view.size, 3);
    view.undo(result);
    assert.deepEqual(view.get(matureCoinbase), before.get(matureCoinbase));
    assert.deepEqual(view.get(plain), before.get(plain));
    assert.equal(view.size, 2);
  });

  test('a coinbase paying less than allowed is fine (the rest is destroyed)', () => {
    connectBlockInputs(blockOf([], 0n, { coinbaseValue: 0n }), HEIGHT, freshView(), params);
  });

  test('bad-txns-inputs-missingorspent: unknown coin', () => {
    const block = blockOf([pay([new OutPoint(new Uint8Array(32).fill(9), 0)], 1n)]);
    assertRule(() => connectBlockInputs(block, HEIGHT, freshView(), params), 'bad-txns-inputs-missingorspent');
  });

  test('bad-txns-inputs-missingorspent: a double spend across two txs of one block', () => {
    const block = blockOf([pay([plain], 10_000n), pay([plain], 9_000n)], 21_000n);
    assertRule(() => connectBlockInputs(block, HEIGHT, freshView(), params), 'bad-txns-inputs-missingorspent');
  });

  test('bad-txns-inputs-missingorspent: an output created in the block and spent twice in it', () => {
    const parent = pay([plain], 10_000n, 9_000n);
    const block = blockOf([parent, pay([outpoint(parent, 0)], 9_000n), pay([outpoint(parent, 0)], 8_000n)], 4_000n);
    assertRule(() => connectBlockInputs(block, HEIGHT, freshView(), params), 'bad-txns-inputs-missingorspent');
    // Its other output stays spendable after the first spend.
    const fine = blockOf([parent, pay([outpoint(parent, 0)], 9_000n), pay([outpoint(parent, 1)], 8_000n)], 3_000n);
    assert.equal(connectBlockInputs(fine, HEIGHT, freshView(), params).fees, 3_000n);
  });

  test('bad-txns-inputs-missingorspent: an output index past the end of a tx of the same block', () => {
    const parent = pay([plain], 10_000n);
    const block = blockOf([parent, pay([outpoint(parent, 1)], 9_000n)], 10_000n);
    assertRule(() => connectBlockInputs(block, HEIGHT, freshView(), params), 'bad-txns-inputs-missingorspent');
  });

  test('bad-txns-inputs-missingorspent: spending an output of a later tx in the same block', () => {
    const later = pay([plain], 10_000n);
    const early = pay([outpoint(later, 0)], 9_000n);
    assertRule(() => connectBlockInputs(blockOf([early, later]), HEIGHT, freshView(), params), 'bad-txns-inputs-missingorspent');
  });

  test('bad-txns-inputs-missingorspent: an OP_RETURN output never becomes a coin', () => {
    const data = buildTx({ inputs: [plain], outputs: [{ value: 0n, script: Uint8Array.of(0x6a, 0x01, 0x05) }] });
    const block = blockOf([data, pay([outpoint(data, 0)], 0n)], 20_000n);
    assertRule(() => connectBlockInputs(block, HEIGHT, freshView(), params), 'bad-txns-inputs-missingorspent');
  });

  test('bad-txns-premature-spend-of-coinbase: also for a coinbase created in this block', () => {
    const view = freshView();
    const young = new OutPoint(new Uint8Array(32).fill(0xcc), 0);
    view.add(young, { value: 50_000n, script: payTo('miner'), height: HEIGHT - 99, coinbase: true });
    assertRule(() => connectBlockInputs(blockOf([pay([young], 1n)]), HEIGHT, view, params), 'bad-txns-premature-spend-of-coinbase');
    const coinbase = buildCoinbase({ height: HEIGHT, value: subsidy });
    const header = { prevHash: genesis.hashBytes(), time: genesis.header.time + 600, bits: genesis.header.bits };
    const spendsOwn = assembleBlock(header, [coinbase, pay([outpoint(coinbase, 0)], 1n)]);
    assertRule(() => connectBlockInputs(spendsOwn, HEIGHT, freshView(), params), 'bad-txns-premature-spend-of-coinbase');
  });

  test('bad-txns-in-belowout from the input value rules', () => {
    assertRule(() => connectBlockInputs(blockOf([pay([plain], 20_001n)]), HEIGHT, freshView(), params), 'bad-txns-in-belowout');
  });

  test('bad-txns-accumulated-fee-outofrange: fees each in range, their sum not', () => {
    const view = new MemoryCoinView();
    const rich = (n: number) => new OutPoint(new Uint8Array(32).fill(n), 0);
    const max: Coin = { value: params.maxMoney, script: payTo('whale'), height: 1, coinbase: false };
    view.add(rich(1), max).add(rich(2), max);
    const block = blockOf([pay([rich(1)], 0n), pay([rich(2)], 0n)], 0n, { coinbaseValue: 0n });
    assertRule(() => connectBlockInputs(block, HEIGHT, view, params), 'bad-txns-accumulated-fee-outofrange');
  });

  test('bad-cb-amount: the coinbase claims more than subsidy + fees', () => {
    const t1 = pay([plain], 19_000n); // fee 1,000
    connectBlockInputs(blockOf([t1], 1_000n), HEIGHT, freshView(), params);
    assertRule(() => connectBlockInputs(blockOf([t1], 1_001n), HEIGHT, freshView(), params), 'bad-cb-amount');
    assertRule(() => connectBlockInputs(blockOf([], 0n, { coinbaseValue: subsidy + 1n }), HEIGHT, freshView(), params), 'bad-cb-amount');
  });

  test('bad-blk-sigops: legacy cost plus one per P2WPKH input above 80,000', () => {
    // 19,990 legacy sigops (cost 79,960) pass checkBlock; witness sigops of the spends are added here.
    const sigopHeavy = { value: 0n, script: Uint8Array.of(0x6a, ...new Uint8Array(19_990).fill(0xac)) };
    const view = new MemoryCoinView();
    const coins = Array.from({ length: 41 }, (_, i) => new OutPoint(new Uint8Array(32).fill(i + 1), 0));
    for (const c of coins) view.add(c, { value: 1_000n, script: payTo('x'), height: 1, coinbase: false });
    const build = (n: number) => blockOf([buildTx({ inputs: coins.slice(0, n), outputs: [{ value: 1n, script: payTo('y') }, sigopHeavy] })]);
    assert.equal(connectBlockInputs(build(40), HEIGHT, view, params).sigOpsCost, 80_000);
    assertRule(() => connectBlockInputs(build(41), HEIGHT, view, params), 'bad-blk-sigops');
    // Before segwit, witness sigops are not counted.
    const preSegwit = { ...params, segwitHeight: HEIGHT + 1 };
    assert.equal(connectBlockInputs(build(41), HEIGHT, view, preSegwit).sigOpsCost, 79_960);
  });
});
