import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signTransaction } from '../../src/consensus/p2wpkh.js';
import { dustThreshold } from '../../src/mempool/index.js';
import { defineNetwork, networks } from '../../src/params/index.js';
import { Transaction } from '../../src/primitives/index.js';
import { payTo } from '../helpers/builders.js';
import { expectRule, type Fixture, key, openFixture, type Spendable } from './fixture.js';

const OP_RETURN = 0x6a;

/** A signed spend of `coin` with the given version, locktime and sequence. */
function spendTo(coin: Spendable, outputs: Array<{ value: bigint; script: Uint8Array }>, fields: { version?: number; locktime?: number; sequence?: number } = {}) {
  const unsigned = new Transaction({
    version: fields.version ?? 2,
    inputs: [{ prevout: coin.outpoint, scriptSig: new Uint8Array(0), sequence: fields.sequence ?? 0xffffffff, witness: [] }],
    outputs,
    locktime: fields.locktime ?? 0,
  });
  return signTransaction(unsigned, [{ privateKey: key.privateKey, value: coin.value }]);
}

function data(bytes: number): Uint8Array {
  return Uint8Array.of(OP_RETURN, 0x4c, bytes - 3, ...new Uint8Array(bytes - 3));
}

describe('relay policy', () => {
  let f: Fixture;
  let coin: Spendable;
  before(async () => {
    f = await openFixture();
    coin = f.coinbase(1);
  });
  after(async () => f.close());

  const change = (fee: bigint, less = 0n) => ({ value: coin.value - fee - less, script: key.script });

  test('fee rate below 1 sat/vB is min relay fee not met; exactly 1 sat/vB passes', async () => {
    const probe = spendTo(coin, [change(0n)]);
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(BigInt(probe.vsize()) - 1n)])), 'min relay fee not met', 'ignore');
    const exact = spendTo(coin, [change(BigInt(probe.vsize()))]);
    assert.equal((await f.mempool.testAccept(exact)).allowed, true);
  });

  test('P2WPKH dust threshold is 294 sat', async () => {
    assert.equal(dustThreshold({ value: 0n, script: key.script }, 3_000), 294n);
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(1_000n, 293n), { value: 293n, script: payTo('x') }])), 'dust', 'ignore');
    assert.equal((await f.mempool.testAccept(spendTo(coin, [change(1_000n, 294n), { value: 294n, script: payTo('x') }]))).allowed, true);
  });

  test('outputs other than P2WPKH and one small OP_RETURN are non-standard', async () => {
    const p2pkh = Uint8Array.of(0x76, 0xa9, 0x14, ...new Uint8Array(20), 0x88, 0xac);
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(1_000n, 1_000n), { value: 1_000n, script: p2pkh }])), 'bad-txns-output-script', 'reject');
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(1_000n), { value: 0n, script: data(84) }])), 'scriptpubkey');
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(1_000n), { value: 0n, script: data(10) }, { value: 0n, script: data(10) }])), 'multi-op-return', 'ignore');
    // 83 bytes of OP_RETURN script, with a zero value, is fine (never enters the UTXO set, so never dust).
    assert.equal((await f.mempool.testAccept(spendTo(coin, [change(1_000n), { value: 0n, script: data(83) }]))).allowed, true);
  });

  test('version must be 1 or 2', async () => {
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(1_000n)], { version: 3 })), 'version', 'ignore');
    assert.equal((await f.mempool.testAccept(spendTo(coin, [change(1_000n)], { version: 1 }))).allowed, true);
  });

  test('weight above 400,000 is tx-size', async () => {
    const outputs = Array.from({ length: 3_300 }, () => ({ value: 1_000n, script: key.script }));
    const tx = spendTo(coin, [...outputs, change(100_000n, 3_300_000n)]);
    assert.ok(tx.weight() > 400_000);
    await expectRule(f.mempool.acceptTransaction(tx), 'tx-size', 'ignore');
  });

  test('a tx not final in the next block is non-final', async () => {
    const next = f.h.chain.height + 1;
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(1_000n)], { locktime: next, sequence: 0xfffffffe })), 'non-final', 'ignore');
    assert.equal((await f.mempool.testAccept(spendTo(coin, [change(1_000n)], { locktime: next - 1, sequence: 0xfffffffe }))).allowed, true);
    const mtp = f.h.chain.medianTimePast();
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(1_000n)], { locktime: mtp, sequence: 0 })), 'non-final');
    assert.equal((await f.mempool.testAccept(spendTo(coin, [change(1_000n)], { locktime: mtp - 1, sequence: 0 }))).allowed, true);
  });

  test('outputs above inputs are a consensus failure (reject)', async () => {
    await expectRule(f.mempool.acceptTransaction(spendTo(coin, [change(-1n)])), 'bad-txns-in-belowout', 'reject');
  });
});

describe('coinbase maturity in the mempool', () => {
  test('a coinbase spend must be mature in the next block', async () => {
    const f = await openFixture({}, 3, defineNetwork({ name: 'mempoolmaturity', coinbaseMaturity: 3 }, networks.regtest));
    try {
      // Next block is height 4: block 1's coinbase has 3 confirmations there, block 2's only 2.
      const spend = (height: number) => spendTo(f.coinbase(height), [{ value: f.coinbase(height).value - 1_000n, script: key.script }]);
      await expectRule(f.mempool.acceptTransaction(spend(2)), 'bad-txns-premature-spend-of-coinbase', 'ignore');
      assert.equal((await f.mempool.acceptTransaction(spend(1))).status, 'accepted');
    } finally {
      await f.close();
    }
  });
});
