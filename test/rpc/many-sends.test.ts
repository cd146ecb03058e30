/**
 * Issue 12's "sends in a row never fail while coins could pay", scaled down (bench/wallet.bench.ts
 * runs 3,000): a wallet of ten coins sends 240 times with a block every 60 sends, so most sends
 * must spend unconfirmed change without building a chain the mempool refuses. And the one case
 * where no selection can pay: a single coin's chain at the 25-tx limit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Stack, openStack, rpcError } from './stack.js';

const OUTSIDE = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
const SENDS = 240;
const PER_BLOCK = 60;

async function mine(s: Stack, blocks: number, address = OUTSIDE): Promise<void> {
  await s.client.call('generatetoaddress', [blocks, address]);
  await s.wallet!.idle();
}

describe('many sends in a row', () => {
  let s: Stack;
  before(async () => {
    s = await openStack({ wallet: true });
    await mine(s, 110, await s.client.call<string>('getnewaddress')); // ten mature coinbases
  });
  after(() => s.close());

  test(`${SENDS} sends, a block every ${PER_BLOCK}: none fails, and no pool chain passes 25`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < SENDS; i++) {
      try {
        await s.client.call('sendtoaddress', [OUTSIDE, 0.01]);
      } catch (err) {
        failures.push(`send ${i}: ${(err as Error).message}`);
      }
      if (i % PER_BLOCK === PER_BLOCK - 1) {
        for (const entry of s.mempool.entries()) assert.ok(entry.ancestor.count <= 25 && entry.descendant.count <= 25);
        await mine(s, 1);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal((await s.client.call<Array<{ category: string }>>('listtransactions', ['*', 1000])).filter((row) => row.category === 'send').length, SENDS);
  });
});

describe('a single coin', () => {
  let s: Stack;
  before(async () => {
    s = await openStack({ wallet: true });
    await mine(s, 101, await s.client.call<string>('getnewaddress'));
  });
  after(() => s.close());

  test('its change chain goes to the 25-tx limit; the next send is refused by the wallet (-6), not the mempool', async () => {
    for (let i = 0; i < 25; i++) await s.client.call('sendtoaddress', [OUTSIDE, 0.01]);
    assert.equal(s.mempool.size, 25);
    const refused = await rpcError(s, 'sendtoaddress', [OUTSIDE, 0.01]);
    assert.deepEqual(refused, { code: -6, message: 'Unconfirmed UTXOs are available, but spending them creates a chain of transactions that will be rejected by the mempool' });
    await mine(s, 1);
    assert.match(await s.client.call<string>('sendtoaddress', [OUTSIDE, 0.01]), /^[0-9a-f]{64}$/);
  });
});
