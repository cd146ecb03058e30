/** getblockstats, getdeploymentinfo, getindexinfo and the transaction index, on a real in-process node. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Stack, openStack, rpcError } from './stack.js';

const ELSEWHERE = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

interface RawTx {
  txid: string;
  weight: number;
  size: number;
  vin: Array<{ txid: string; vout: number }>;
  vout: Array<{ value: number }>;
  blockhash?: string;
  confirmations?: number;
}

/** Waits for a condition with a generous ceiling (the machine is shared). */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('getblockstats, getdeploymentinfo, getindexinfo and --txindex', () => {
  let s: Stack;
  let plain: Stack;
  let mine: string;
  const sent: string[] = [];
  let statsHeight: number;

  before(async () => {
    s = await openStack({ wallet: true, txindex: true });
    plain = await openStack();
    mine = await s.client.call<string>('getnewaddress');
    await s.client.call('generatetoaddress', [102, mine]);
    await s.wallet!.idle();
    // Two payments at different fee rates, mined together.
    sent.push(await s.client.call<string>('sendtoaddress', [ELSEWHERE, 1, '', '', false, true, null, 'unset', false, 3]));
    sent.push(await s.client.call<string>('sendtoaddress', [ELSEWHERE, 2, '', '', false, true, null, 'unset', false, 11]));
    await s.client.call('generatetoaddress', [1, ELSEWHERE]);
    statsHeight = s.chain.height;
    await s.wallet!.idle();
  });
  after(async () => {
    await s.close();
    await plain.close();
  });

  test('getblockstats: fees, sizes and counts recomputed from the block and its inputs', async () => {
    // The check below looks the inputs up by txid, through the index.
    await until(() => s.txIndex!.info().synced, 'the txindex to catch up');
    const hash = await s.client.call<string>('getblockhash', [statsHeight]);
    const stats = await s.client.call<Record<string, number | number[] | string>>('getblockstats', [statsHeight]);
    assert.deepEqual(await s.client.call('getblockstats', [hash]), stats, 'by hash as by height');
    const txs = await Promise.all(sent.map((txid) => s.client.call<RawTx>('getrawtransaction', [txid, true])));
    // Fee of each payment = its inputs (looked up as the outputs they spend) − its outputs, in satoshis.
    const fees: number[] = [];
    for (const tx of txs) {
      let inputs = 0;
      for (const input of tx.vin) inputs += Math.round((await s.client.call<RawTx>('getrawtransaction', [input.txid, true])).vout[input.vout].value * 1e8);
      fees.push(inputs - tx.vout.reduce((sum, out) => sum + Math.round(out.value * 1e8), 0));
    }
    assert.equal(stats.blockhash, hash);
    assert.equal(stats.height, statsHeight);
    assert.equal(stats.txs, 3);
    assert.equal(stats.ins, txs.reduce((n, tx) => n + tx.vin.length, 0));
    assert.equal(stats.outs, 1 + txs.reduce((n, tx) => n + tx.vout.length, 0) + 1, 'coinbase pays one output plus the witness commitment');
    assert.equal(stats.totalfee, fees[0] + fees[1]);
    assert.equal(stats.minfee, Math.min(...fees));
    assert.equal(stats.maxfee, Math.max(...fees));
    assert.equal(stats.avgfee, Math.floor((fees[0] + fees[1]) / 2));
    assert.equal(stats.total_weight, txs[0].weight + txs[1].weight);
    assert.equal(stats.total_size, txs[0].size + txs[1].size);
    assert.equal(stats.swtxs, 2);
    const rates = txs.map((tx, i) => Math.floor((fees[i] * 4) / tx.weight));
    assert.equal(stats.minfeerate, Math.min(...rates));
    assert.equal(stats.maxfeerate, Math.max(...rates));
    assert.ok(rates[0] >= 3 && rates[0] < 4 && rates[1] >= 11 && rates[1] < 12, `fee rates ${rates}`);
    assert.equal(stats.subsidy, 5_000_000_000);
    assert.equal((stats.feerate_percentiles as number[]).length, 5);
    assert.equal(stats.utxo_increase, (stats.outs as number) - (stats.ins as number));
    assert.equal(stats.utxo_increase_actual, (stats.outs as number) - 1 - (stats.ins as number), 'the commitment is unspendable');
  });

  test('getblockstats: the stats filter, and Core\'s errors', async () => {
    assert.deepEqual(await s.client.call('getblockstats', [statsHeight, ['txs', 'height']]), { txs: 3, height: statsHeight });
    assert.equal((await s.client.call<{ ins: number }>('getblockstats', [0])).ins, 0);
    assert.deepEqual(await rpcError(s, 'getblockstats', [statsHeight, ['nosuch']]), { code: -8, message: "Invalid selected statistic 'nosuch'" });
    assert.deepEqual(await rpcError(s, 'getblockstats', [statsHeight + 1]), { code: -8, message: `Target block height ${statsHeight + 1} after current tip ${statsHeight}` });
    assert.deepEqual(await rpcError(s, 'getblockstats', [-1]), { code: -8, message: 'Target block height -1 is negative' });
    assert.equal((await rpcError(s, 'getblockstats', ['11'.repeat(32)])).code, -5);
    assert.equal((await rpcError(s, 'getblockstats', [true])).code, -3);
  });

  test('getdeploymentinfo: bip34 and segwit, buried, as the network defines them', async () => {
    const info = await s.client.call<{ hash: string; height: number; deployments: Record<string, { type: string; active: boolean; height: number }> }>('getdeploymentinfo');
    assert.equal(info.hash, s.chain.tip.hash);
    assert.equal(info.height, s.chain.height);
    assert.deepEqual(Object.keys(info.deployments).sort(), ['bip34', 'segwit']);
    assert.deepEqual(info.deployments.segwit, { type: 'buried', active: true, height: s.params.segwitHeight });
    assert.deepEqual(info.deployments.bip34, { type: 'buried', active: true, height: s.params.bip34Height });
    const atGenesis = await s.client.call<{ height: number }>('getdeploymentinfo', [s.params.genesisHash]);
    assert.equal(atGenesis.height, 0);
    assert.equal((await rpcError(s, 'getdeploymentinfo', ['22'.repeat(32)])).code, -5);
  });

  test('getindexinfo: txindex synced at the tip; nothing without --txindex', async () => {
    await until(() => s.txIndex!.info().synced, 'the txindex to catch up');
    assert.deepEqual(await s.client.call('getindexinfo'), { txindex: { synced: true, best_block_height: s.chain.height } });
    assert.deepEqual(await s.client.call('getindexinfo', ['txindex']), { txindex: { synced: true, best_block_height: s.chain.height } });
    assert.deepEqual(await s.client.call('getindexinfo', ['coinstatsindex']), {});
    assert.deepEqual(await plain.client.call('getindexinfo'), {});
  });

  test('getrawtransaction finds a confirmed transaction by txid alone with --txindex, and says why not without', async () => {
    await until(() => s.txIndex!.info().synced, 'the txindex to catch up');
    const tx = await s.client.call<RawTx>('getrawtransaction', [sent[0], true]);
    assert.equal(tx.txid, sent[0]);
    assert.equal(tx.blockhash, await s.client.call('getblockhash', [statsHeight]));
    assert.equal(tx.confirmations, s.chain.height - statsHeight + 1);
    // A coinbase deep in the chain, too.
    const block = await s.client.call<{ tx: string[] }>('getblock', [await s.client.call('getblockhash', [5])]);
    assert.equal(await s.client.call('getrawtransaction', [block.tx[0]]), await s.client.call('getrawtransaction', [block.tx[0], false, await s.client.call('getblockhash', [5])]));
    assert.deepEqual(await rpcError(s, 'getrawtransaction', ['33'.repeat(32)]), { code: -5, message: 'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.' });
    const genesisCoinbase = (await s.client.call<{ tx: string[] }>('getblock', [s.params.genesisHash])).tx[0];
    assert.equal((await rpcError(s, 'getrawtransaction', [genesisCoinbase])).message, 'The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved');
    const without = await rpcError(plain, 'getrawtransaction', ['33'.repeat(32)]);
    assert.equal(without.code, -5);
    assert.match(without.message, /^No such mempool transaction\. Use -txindex/);
  });

  test('new blocks are indexed as they connect', async () => {
    const txid = await s.client.call<string>('sendtoaddress', [ELSEWHERE, 0.5]);
    const [hash] = await s.client.call<string[]>('generatetoaddress', [1, ELSEWHERE]);
    await until(() => s.txIndex!.info().best_block_height === s.chain.height, 'the txindex to index the new block');
    assert.equal((await s.client.call<RawTx>('getrawtransaction', [txid, true])).blockhash, hash);
  });
});
