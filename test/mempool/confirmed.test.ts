import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RecentlyConfirmed } from '../../src/mempool/confirmed.js';
import { OutPoint, type Transaction } from '../../src/primitives/index.js';
import { assembleBlock, buildTx, payTo } from '../helpers/builders.js';

let serial = 0;
/** A distinct tx (its own made-up prevout). */
function tx(): Transaction {
  serial++;
  return buildTx({ inputs: [new OutPoint(new Uint8Array(32).fill(serial & 255), serial)], outputs: [{ value: 1_000n, script: payTo(serial) }] });
}

function block(txs: readonly Transaction[], tag = serial): ReturnType<typeof assembleBlock> {
  return assembleBlock({ prevHash: new Uint8Array(32).fill(tag & 255), time: 1_700_000_000 + tag, bits: 0x207fffff }, txs);
}

describe('recently mined txids', () => {
  test('knows every tx of a connected block, and nothing else', () => {
    const recent = new RecentlyConfirmed();
    const txs = [tx(), tx(), tx()];
    recent.blockConnected(block(txs));
    for (const t of txs) assert.equal(recent.has(t.txid()), true);
    assert.equal(recent.has(tx().txid()), false);
  });

  test('forgets the oldest blocks beyond its bound, and always keeps the newest', () => {
    const recent = new RecentlyConfirmed(4);
    const first = [tx(), tx()];
    const second = [tx(), tx()];
    recent.blockConnected(block(first));
    recent.blockConnected(block(second));
    assert.equal(recent.has(first[0].txid()), true, 'within the bound');
    // A question made the sets; the bound still applies to them.
    const third = [tx()];
    recent.blockConnected(block(third));
    assert.equal(recent.has(first[0].txid()), false, 'the oldest block went');
    assert.equal(recent.has(first[1].txid()), false);
    assert.equal(recent.has(second[0].txid()), true);
    assert.equal(recent.has(third[0].txid()), true);
    const big = [tx(), tx(), tx(), tx(), tx(), tx()];
    recent.blockConnected(block(big));
    assert.equal(recent.has(big[5].txid()), true, 'a block over the bound on its own is kept');
    assert.equal(recent.has(third[0].txid()), false);
  });

  test('a disconnected block is forgotten; a tx mined again in another block is still known', () => {
    const recent = new RecentlyConfirmed();
    const shared = tx();
    const only = tx();
    const a = block([tx(), shared, only], 1);
    const b = block([tx(), shared], 2);
    recent.blockConnected(b);
    recent.blockConnected(a);
    assert.equal(recent.has(only.txid()), true);
    recent.blockDisconnected(block([...a.txs], 1));
    assert.equal(recent.has(only.txid()), false, 'found by hash, not by object');
    assert.equal(recent.has(shared.txid()), true, 'still mined in the other block');
    recent.blockDisconnected(block([tx()], 3));
    assert.equal(recent.has(shared.txid()), true, 'an unknown block changes nothing');
  });
});
