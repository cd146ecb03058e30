/**
 * The one mining loop with the standalone miner's ends (getblocktemplate with BIP22 long polling,
 * submitblock) against a real node stack over HTTP, searching on real worker threads.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GbtTemplateError, templateFromGbt } from '../../src/miner/gbt-template.js';
import { gbtMiner, submitBlockSink } from '../../src/miner/gbt-work.js';
import { NoncePool } from '../../src/miner/nonce-pool.js';
import { searchNonces } from '../../src/miner/search.js';
import { addressToScript } from '../../src/primitives/address.js';
import { Block } from '../../src/primitives/index.js';
import { type Stack, openStack } from '../rpc/stack.js';
import { waitFor } from '../testnet/harness.js';

const CEILING_MS = 60_000;
const OURS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

interface BlockJson {
  height: number;
  tx: Array<{ txid: string; vout: Array<{ scriptPubKey: { address?: string } }> }>;
}

describe('the mining loop against a node: getblocktemplate, long poll, submitblock', () => {
  let s: Stack;
  let pool: NoncePool;
  let theirs: string;
  before(async () => {
    s = await openStack({ wallet: true });
    theirs = await s.client.call<string>('getnewaddress');
    await s.client.call('generatetoaddress', [101, theirs]);
    pool = new NoncePool({ threads: 1 });
  });
  after(async () => {
    await pool.close();
    await s.close();
  });

  test('mines the pool txs, then a long poll answered by another miner moves it to a template on the new tip', async () => {
    const sent = [await s.client.call<string>('sendtoaddress', [theirs, 1]), await s.client.call<string>('sendtoaddress', [theirs, 2])];
    // Paced to one block an hour: after the first block the miner holds a solution on it while the tip moves.
    const miner = gbtMiner({ payoutScript: addressToScript(OURS, 'pcrt'), intervalSeconds: 3600 }, { rpc: s.client, searcher: pool });
    const found: Array<{ hash: string; height: number; status: string }> = [];
    const rejected: string[] = [];
    miner.on('blockFound', (event) => found.push(event));
    miner.on('blockRejected', ({ code }) => rejected.push(code));
    const start = await s.client.call<number>('getblockcount');
    miner.start();
    try {
      await waitFor('the first block', async () => found.length === 1 || rejected.length > 0, CEILING_MS, 20);
      assert.deepEqual(rejected, []);
      assert.deepEqual(found[0], { ...found[0], height: start + 1, status: 'connected' });
      const first = await s.client.call<BlockJson>('getblock', [found[0].hash, 2]);
      assert.equal(first.tx[0].vout[0].scriptPubKey.address, OURS);
      assert.deepEqual(new Set(first.tx.slice(1).map((tx) => tx.txid)), new Set(sent), 'the template’s txs, with a valid witness commitment');
      await waitFor('a template on our block', async () => miner.stats().templateHeight === start + 2, CEILING_MS, 20);
      // Another client mines; the node answers the miner's long poll with the next template.
      const [other] = await s.client.call<string[]>('generatetoaddress', [1, theirs]);
      await waitFor('a template on the other block', async () => miner.stats().templateHeight === start + 3, CEILING_MS, 20);
      assert.equal(await s.client.call('getbestblockhash'), other);
      // The template the long poll brought is long-polled in its turn.
      await s.client.call('generatetoaddress', [1, theirs]);
      await waitFor('a template on the next block', async () => miner.stats().templateHeight === start + 4, CEILING_MS, 20);
    } finally {
      await miner.stop();
    }
    assert.equal(found.length, 1, 'the solution for the replaced tip was never submitted');
    assert.equal(miner.stats().blocksFound, 1);
  });

  test('the submitblock sink: accepted, duplicate, and a refusal with the rule it broke', async () => {
    const sink = submitBlockSink(s.client);
    const template = templateFromGbt(await s.client.call('getblocktemplate', [{ rules: ['segwit'] }]), addressToScript(OURS, 'pcrt'), 1n, 0);
    const solve = (block: Block): Block => {
      const { nonce } = searchNonces({ header: block.header.encode(), target: template.target, startNonce: 0, endNonce: 2 ** 32 });
      return new Block(block.header.with({ nonce: nonce! }), block.txs);
    };
    const good = solve(template.block);
    assert.deepEqual(await sink.submit(good), { accepted: true, status: 'connected' });
    assert.deepEqual(await sink.submit(good), { accepted: false, status: 'duplicate' });
    const next = templateFromGbt(await s.client.call('getblocktemplate', [{ rules: ['segwit'] }]), addressToScript(OURS, 'pcrt'), 2n, 0);
    const broken = solve(new Block(next.block.header.with({ merkleRoot: new Uint8Array(32).fill(7) }), next.block.txs));
    const outcome = await sink.submit(broken);
    assert.deepEqual(outcome, { ...outcome, rejected: true, code: 'bad-txnmrklroot' });
  });

  test('an answer the miner cannot use is a GbtTemplateError naming the field', async () => {
    const answer = await s.client.call<Record<string, unknown>>('getblocktemplate', [{ rules: ['segwit'] }]);
    const payout = addressToScript(OURS, 'pcrt');
    for (const [change, field] of [
      [{ previousblockhash: 'zz' }, 'previousblockhash'],
      [{ height: -1 }, 'height'],
      [{ bits: 7 }, 'bits'],
      [{ transactions: [{ data: '00' }] }, 'transactions[0]'],
      [{ transactions: 'none' }, 'transactions'],
    ] as const) {
      assert.throws(
        () => templateFromGbt({ ...answer, ...change }, payout, 1n, 0),
        (err: unknown) => err instanceof GbtTemplateError && err.code === 'bad-template' && err.field === field,
        `a bad ${field}`,
      );
    }
    assert.throws(() => templateFromGbt(null, payout, 1n, 0), GbtTemplateError);
  });
});
