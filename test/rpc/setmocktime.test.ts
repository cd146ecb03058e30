/** setmocktime (regtest): the chain, mempool, block templates and generate* follow the node's one clock. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { networks } from '../../src/params/index.js';
import { type Stack, openStack, rpcError } from './stack.js';

const ELSEWHERE = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
const DAY = 86_400;

describe('setmocktime', () => {
  let s: Stack;
  let mainnet: Stack;
  // Three days ahead: far beyond the 2 h a header may lead the clock, so a chain still on the system clock refuses these blocks.
  const mock = Math.floor(Date.now() / 1000) + 3 * DAY;

  before(async () => {
    s = await openStack({ wallet: true });
    mainnet = await openStack({ params: networks.main });
  });
  after(async () => {
    await s.close();
    await mainnet.close();
  });

  test('templates, generated blocks, header checks, mempool entries and uptime read the mock time', async () => {
    assert.equal(await s.client.call('setmocktime', [mock]), null);
    const template = await s.client.call<{ curtime: number; mintime: number }>('getblocktemplate', [{ rules: ['segwit'] }]);
    assert.equal(template.curtime, mock, 'the template is dated by the mock clock');
    const mine = await s.client.call<string>('getnewaddress');
    const hashes = await s.client.call<string[]>('generatetoaddress', [101, mine]);
    assert.equal(s.chain.height, 101, 'blocks three days ahead of the system clock are accepted');
    const first = await s.client.call<{ time: number }>('getblockheader', [hashes[0]]);
    assert.equal(first.time, mock, 'generate dates its blocks by the mock clock');
    await s.wallet!.idle();
    const txid = await s.client.call<string>('sendtoaddress', [ELSEWHERE, 1]);
    const entry = await s.client.call<{ time: number }>('getmempoolentry', [txid]);
    assert.equal(entry.time, mock, 'the mempool stamps entries with the mock time');
    assert.ok((await s.client.call<number>('uptime')) >= 3 * DAY - 60, 'uptime counts to the mock time');
  });

  test('0 goes back to the system clock: the chain then refuses blocks dated days ahead', async () => {
    assert.equal(await s.client.call('setmocktime', [0]), null);
    assert.ok((await s.client.call<number>('uptime')) < DAY, 'uptime is back on the system clock');
    const height = s.chain.height;
    // The tip's median time is three days ahead: any next block is too far in the future for the real clock.
    const failure = await rpcError(s, 'generatetoaddress', [1, ELSEWHERE]);
    assert.match(failure.message, /time-too-new/);
    assert.equal(s.chain.height, height);
  });

  test('bad timestamps: -8 outside [0, 9223372036], a type error for a non-number', async () => {
    assert.deepEqual(await rpcError(s, 'setmocktime', [-1]), { code: -8, message: 'Mocktime must be in the range [0, 9223372036], not -1.' });
    assert.deepEqual(await rpcError(s, 'setmocktime', [9_223_372_037]), { code: -8, message: 'Mocktime must be in the range [0, 9223372036], not 9223372037.' });
    assert.equal((await rpcError(s, 'setmocktime', ['soon'])).code, -3);
    assert.equal((await rpcError(s, 'setmocktime', [1.5])).code, -3);
    assert.ok((await rpcError(s, 'setmocktime', [])).code < 0, 'the timestamp is required');
  });

  test('other networks: -1, regtest only, as Core', async () => {
    assert.deepEqual(await rpcError(mainnet, 'setmocktime', [mock]), { code: -1, message: 'setmocktime is for regression testing (-regtest mode) only' });
  });
});
