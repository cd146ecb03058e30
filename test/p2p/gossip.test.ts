import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeAll, link, payingBranch, spendCoinbase, startNode, type TestNode, waitFor, waitForTip } from './helpers.js';

describe('gossip between two nodes', () => {
  const branch = payingBranch();
  let a: TestNode;
  let b: TestNode;
  before(async () => {
    a = await startNode();
    b = await startNode();
    await link(a, b);
  });
  after(async () => closeAll([a, b]));

  test('a block processed on A (as if mined there) reaches B over gossip', async () => {
    const block = branch.next();
    assert.equal((await a.h.chain.processBlock(block)).status, 'connected');
    await waitForTip([b], block.hash(), 10_000);
  });

  test('a tx accepted by A reaches B’s mempool', async () => {
    const tx = spendCoinbase(branch.at(1));
    assert.equal((await a.mempool.acceptTransaction(tx)).status, 'accepted');
    await waitFor(() => b.mempool.has(tx.txid()), 10_000, 'tx in B’s mempool');
  });

  test('peers() describes the connection on both sides', () => {
    const [fromA] = a.p2p.peers();
    const [fromB] = b.p2p.peers();
    assert.equal(fromA.id, b.p2p.peerId);
    assert.equal(fromA.inbound, false);
    assert.equal(fromB.inbound, true);
    assert.ok(fromA.addr.startsWith('/ip4/127.0.0.1/tcp/'));
    assert.ok(fromA.connectedAt <= Date.now());
    assert.equal(fromA.banScore, 0);
    assert.equal(fromA.height, 0, 'B’s height from the status exchange');
    assert.equal(fromB.height, 1, 'A relayed block 1 to B');
  });
});

/** Links nodes[i] to nodes[j] for each pair, in parallel. */
async function linkPairs(nodes: TestNode[], pairs: Array<[number, number]>): Promise<void> {
  await Promise.all(pairs.map(([i, j]) => link(nodes[i], nodes[j])));
}

for (const shape of ['line', 'ring'] as const) {
  describe(`five nodes in a ${shape}`, () => {
    const branch = payingBranch(shape === 'line' ? 2 : 3);
    const nodes: TestNode[] = [];
    before(async () => {
      for (let i = 0; i < 5; i++) nodes.push(await startNode());
      const pairs: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [3, 4]];
      if (shape === 'ring') pairs.push([4, 0]);
      await linkPairs(nodes, pairs);
    });
    after(async () => closeAll(nodes));

    test('a block from one end reaches every node', async () => {
      const block = branch.next();
      await nodes[0].h.chain.processBlock(block);
      await waitForTip(nodes, block.hash());
    });

    test('a tx from the other end reaches every mempool', async () => {
      const tx = spendCoinbase(branch.at(1));
      await nodes[4].mempool.acceptTransaction(tx);
      await waitFor(() => nodes.every((node) => node.mempool.has(tx.txid())), 20_000, 'tx in every mempool');
    });

    test('a block mining the tx clears it from every mempool', async () => {
      const tx = spendCoinbase(branch.at(1));
      const block = branch.next({ txs: [tx], fees: 10_000n });
      await nodes[2].h.chain.processBlock(block);
      await waitForTip(nodes, block.hash());
      await waitFor(() => nodes.every((node) => !node.mempool.has(tx.txid())), 10_000, 'tx mined everywhere');
    });
  });
}
