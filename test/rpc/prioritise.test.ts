/**
 * prioritisetransaction and getprioritisedtransactions on a real in-process node: a delta
 * lets a zero-fee tx in, moves a tx up the block template, makes an RBF replacement pay for it,
 * shows in the ancestor sums of a child, waits for a tx not yet in the pool, is cleared once
 * the tx is mined, and travels in mempool.dat (savemempool / importmempool).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readMempoolDat } from '../../src/rpc/format/mempool-dat.js';
import { COIN, OTHER, type Utxo, openFundedStack, signWithWallet } from './funded-stack.js';
import { type Stack, openStack, rpcError } from './stack.js';

interface Entry {
  fees: { base: number; modified: number; ancestor: number; descendant: number };
}

type Prioritised = Record<string, { fee_delta: number; in_mempool: boolean; modified_fee?: number }>;

/** A signed tx spending `utxo` to OTHER, paying `feeSats` (its hex and txid). */
async function spend(s: Stack, utxo: Pick<Utxo, 'txid' | 'vout' | 'amount'>, feeSats: number, to = OTHER): Promise<{ hex: string; txid: string }> {
  const amount = (Math.round(utxo.amount * COIN) - feeSats) / COIN;
  const raw = await s.client.call<string>('createrawtransaction', [[{ txid: utxo.txid, vout: utxo.vout }], [{ [to]: amount }]]);
  const { hex, txid } = await signWithWallet(s, raw);
  return { hex, txid };
}

describe('prioritisetransaction', { timeout: 600_000 }, () => {
  let s: Stack;
  let utxos: Utxo[];
  before(async () => {
    ({ stack: s, utxos } = await openFundedStack(8));
  });
  after(async () => {
    await s?.close();
  });

  test('a delta set before the tx arrives lets a zero-fee tx in, and is cleared once mined', async () => {
    const free = await spend(s, utxos[0], 0);
    const refused = await rpcError(s, 'sendrawtransaction', [free.hex]);
    assert.equal(refused.code, -26);
    assert.match(refused.message, /^min relay fee not met/);
    assert.equal(await s.client.call('prioritisetransaction', [free.txid, 0, 1000]), true);
    assert.deepEqual(await s.client.call<Prioritised>('getprioritisedtransactions'), { [free.txid]: { fee_delta: 1000, in_mempool: false } });
    assert.equal(await s.client.call('sendrawtransaction', [free.hex]), free.txid);
    const entry = await s.client.call<Entry>('getmempoolentry', [free.txid]);
    assert.deepEqual(entry.fees, { base: 0, modified: 0.00001, ancestor: 0.00001, descendant: 0.00001 });
    assert.deepEqual(await s.client.call<Prioritised>('getprioritisedtransactions'), { [free.txid]: { fee_delta: 1000, in_mempool: true, modified_fee: 1000 } });
    // Deltas add up; back at zero the entry goes.
    await s.client.call('prioritisetransaction', [free.txid, null, 500]);
    assert.equal((await s.client.call<Prioritised>('getprioritisedtransactions'))[free.txid].modified_fee, 1500);
    await s.client.call('prioritisetransaction', [free.txid, 0, -500]);
    // The template's coinbase collects real fees only (none here).
    const template = await s.client.call<{ coinbasevalue: number; transactions: Array<{ txid: string; fee: number }> }>('getblocktemplate', [{ rules: ['segwit'] }]);
    assert.ok(template.transactions.some((tx) => tx.txid === free.txid));
    assert.equal(template.coinbasevalue, 50 * COIN);
    await s.client.call('generatetoaddress', [1, OTHER]);
    assert.deepEqual(await s.client.call<Prioritised>('getprioritisedtransactions'), {});
  });

  test('the template ranks by modified fee, and a child\'s ancestor sums include the delta', async () => {
    const rich = await spend(s, utxos[1], 5000);
    const poor = await spend(s, utxos[2], 200);
    await s.client.call('sendrawtransaction', [rich.hex]);
    await s.client.call('sendrawtransaction', [poor.hex]);
    const order = async () => (await s.client.call<{ transactions: Array<{ txid: string }> }>('getblocktemplate', [{ rules: ['segwit'] }])).transactions.map((tx) => tx.txid);
    assert.deepEqual(await order(), [rich.txid, poor.txid]);
    await s.client.call('prioritisetransaction', [poor.txid, 0, 100_000]);
    assert.deepEqual(await order(), [poor.txid, rich.txid]);
    // A child of the prioritised tx: paid to our wallet so we can sign it.
    const mine = await s.client.call<string>('getnewaddress');
    const parent = await spend(s, utxos[3], 1000, mine);
    await s.client.call('sendrawtransaction', [parent.hex]);
    await s.client.call('prioritisetransaction', [parent.txid, 0, 7000]);
    const out = (await s.client.call<{ vout: Array<{ value: number }> }>('getrawtransaction', [parent.txid, true])).vout[0];
    const child = await spend(s, { txid: parent.txid, vout: 0, amount: out.value }, 300);
    await s.client.call('sendrawtransaction', [child.hex]);
    const childEntry = await s.client.call<Entry>('getmempoolentry', [child.txid]);
    assert.equal(Math.round(childEntry.fees.ancestor * COIN), 300 + 1000 + 7000);
    await s.client.call('prioritisetransaction', [parent.txid, 0, 1000]);
    assert.equal(Math.round((await s.client.call<Entry>('getmempoolentry', [child.txid])).fees.ancestor * COIN), 300 + 1000 + 8000);
    assert.equal(Math.round((await s.client.call<Entry>('getmempoolentry', [parent.txid])).fees.descendant * COIN), 300 + 1000 + 8000);
    await s.client.call('generatetoaddress', [1, OTHER]);
  });

  test('a replacement must outbid the original\'s modified fee', async () => {
    const original = await spend(s, utxos[4], 1000);
    const replacement = await spend(s, utxos[4], 5000);
    await s.client.call('sendrawtransaction', [original.hex]);
    await s.client.call('prioritisetransaction', [original.txid, 0, 10_000]);
    const refused = await rpcError(s, 'sendrawtransaction', [replacement.hex]);
    assert.equal(refused.code, -26);
    assert.match(refused.message, /^insufficient fee/);
    await s.client.call('prioritisetransaction', [original.txid, 0, -10_000]);
    assert.equal(await s.client.call('sendrawtransaction', [replacement.hex]), replacement.txid);
    // The original's delta stays until it is mined (it may come back), as in Core.
    assert.deepEqual((await s.client.call<Prioritised>('getprioritisedtransactions'))[original.txid], undefined);
    await s.client.call('generatetoaddress', [1, OTHER]);
  });

  test('deltas travel in mempool.dat: savemempool writes them, importmempool applies them on request', async () => {
    const free = await spend(s, utxos[5], 0);
    const later = await spend(s, utxos[6], 0);
    await s.client.call('prioritisetransaction', [free.txid, 0, 2000]);
    await s.client.call('sendrawtransaction', [free.hex]);
    await s.client.call('prioritisetransaction', [later.txid, 0, 3000]);
    const { filename } = await s.client.call<{ filename: string }>('savemempool');
    const file = readMempoolDat(await readFile(filename));
    assert.deepEqual(file.entries.map((e) => [e.tx.txid(), e.feeDelta]), [[free.txid, 2000n]]);
    assert.deepEqual(file.otherDeltas, [[later.txid, 3000n]]);

    // A fresh node with the same chain: the zero-fee tx gets in only with the file's delta.
    const fresh = await openStack();
    try {
      for (let height = 1; height <= s.chain.height; height++) {
        await fresh.client.call('submitblock', [await s.client.call<string>('getblock', [await s.client.call<string>('getblockhash', [height]), 0])]);
      }
      const copy = join(fresh.context.dataDir!, 'copy.dat');
      await import('node:fs/promises').then((fs) => fs.copyFile(filename, copy));
      assert.deepEqual(await fresh.client.call('importmempool', [copy]), {});
      assert.equal(fresh.mempool.size, 0);
      assert.deepEqual(await fresh.client.call('importmempool', [copy, { apply_fee_delta_priority: true }]), {});
      assert.deepEqual(await fresh.client.call<Prioritised>('getprioritisedtransactions'), {
        [free.txid]: { fee_delta: 2000, in_mempool: true, modified_fee: 2000 },
        [later.txid]: { fee_delta: 3000, in_mempool: false },
      });
      assert.equal(await fresh.client.call('sendrawtransaction', [later.hex]), later.txid);
    } finally {
      await fresh.close();
    }
  });

  test('bad parameters answer Core\'s codes', async () => {
    const txid = '11'.repeat(32);
    assert.deepEqual(await rpcError(s, 'prioritisetransaction', [txid, 1, 1000]), { code: -8, message: 'Priority is no longer supported, dummy argument to prioritisetransaction must set to 0.' });
    assert.equal((await rpcError(s, 'prioritisetransaction', ['zz', 0, 1000])).code, -8);
    assert.equal((await rpcError(s, 'prioritisetransaction', [txid, 0, 'x'])).code, -3);
    assert.equal((await rpcError(s, 'prioritisetransaction', [txid, 0, 1.5])).code, -3);
    assert.equal((await rpcError(s, 'prioritisetransaction', [txid, 0])).code, -1);
    assert.equal((await rpcError(s, 'prioritisetransaction', [txid, 0, null])).code, -3);
    assert.equal((await rpcError(s, 'getprioritisedtransactions', [1])).code, -1);
  });
});
