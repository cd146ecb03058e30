import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadedCoins } from '../../src/chain/connect.js';
import type { Coin } from '../../src/primitives/coin.js';
import { OutPoint } from '../../src/primitives/outpoint.js';

const outpoint = (fill: number, index = 0) => new OutPoint(new Uint8Array(32).fill(fill), index);
const coin = (value: bigint): Coin => ({ value, script: Uint8Array.of(0x6a), height: 1, coinbase: false });

test('the coins read for a block answer in their order by identity, out of it by key, and nothing for what was not read', () => {
  const wanted = [outpoint(1), outpoint(2), outpoint(3), outpoint(4)];
  const coins = [coin(10n), undefined, coin(30n), coin(40n)];
  const inOrder = new LoadedCoins(wanted, coins);
  assert.deepEqual(wanted.map((o) => inOrder.get(o)), coins);

  const outOfOrder = new LoadedCoins(wanted, coins);
  assert.equal(outOfOrder.get(wanted[0]), coins[0]);
  assert.equal(outOfOrder.get(outpoint(3)), coins[2], 'another object with a read key: by key');
  assert.equal(outOfOrder.get(outpoint(9)), undefined, 'never read');
  assert.equal(outOfOrder.get(outpoint(2)), undefined, 'read, and missing from the UTXO set');
  assert.equal(outOfOrder.get(wanted[1]), undefined, 'back in line');
  assert.equal(outOfOrder.get(wanted[2]), coins[2]);
  assert.equal(outOfOrder.get(outpoint(4)), coins[3]);
});
