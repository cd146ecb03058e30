/** txRejected: every refusal by acceptTransaction is announced with its reject code (the metrics count them by reason). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectRule, type Fixture, openFixture, other, pay } from './fixture.js';

describe('mempool txRejected event', () => {
  let f: Fixture;
  before(async () => {
    f = await openFixture();
  });
  after(async () => f.close());

  test('a refused tx is announced with its txid and reject code; an accepted one is not', async () => {
    const rejected: Array<{ txid: string; code: string }> = [];
    f.mempool.on('txRejected', (event) => rejected.push(event));
    const tx = pay(f.coinbase(1), 1_000n);
    assert.equal((await f.mempool.acceptTransaction(tx)).status, 'accepted');
    assert.deepEqual(rejected, []);
    await expectRule(f.mempool.acceptTransaction(tx), 'txn-already-in-mempool', 'ignore');
    // A double spend paying no more cannot replace it (BIP125 rules 3 and 6).
    const rival = pay(f.coinbase(1), 1_000n, 1, other);
    await expectRule(f.mempool.acceptTransaction(rival), 'insufficient fee', 'ignore');
    assert.deepEqual(rejected, [
      { txid: tx.txid(), code: 'txn-already-in-mempool' },
      { txid: rival.txid(), code: 'insufficient fee' },
    ]);
  });
});
