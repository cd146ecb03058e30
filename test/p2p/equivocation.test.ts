import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Branch } from '../helpers/chain-harness.js';
import { EvilPeer } from './evil.js';
import { closeAll, link, params, payingBranch, startNode, type TestNode, waitFor, waitForTip } from './helpers.js';

describe('equivocation', () => {
  const nodes: TestNode[] = [];
  const evils: EvilPeer[] = [];
  after(async () => {
    await Promise.all(evils.map((evil) => evil.stop()));
    await closeAll(nodes);
  });

  test('a miner sending different blocks at one height to different nodes splits them only until the next block', async () => {
    // Honest A - C - B. The equivocator has two identities (one key pays both blocks): one
    // connected to A only, one to B only, so each block reaches its target first.
    const [a, c, b] = await Promise.all([startNode(), startNode(), startNode()]);
    nodes.push(a, c, b);
    await Promise.all([link(a, c), link(c, b)]);
    const [toA, toB] = await Promise.all([EvilPeer.start(params), EvilPeer.start(params)]);
    evils.push(toA, toB);
    await Promise.all([toA.attack(a.p2p.addresses()[0], a.p2p.peerId), toB.attack(b.p2p.addresses()[0], b.p2p.peerId)]);
    const honest = [a, c, b];

    let main: Branch = payingBranch(60);
    let splits = 0;
    // Whether a given round splits A and B is a race (a relayed block may beat the direct one),
    // so equivocate until it has; every round must converge either way.
    for (let round = 0; round < 6 && splits === 0; round++) {
      const height = main.height;
      const left = main.forkAt(height, 61 + 2 * round);
      const right = main.forkAt(height, 62 + 2 * round);
      const x = left.next();
      const y = right.next();
      await Promise.all([toA.publish('block', x.encode()), toB.publish('block', y.encode())]);
      // Both blocks are valid, with equal work: each honest node keeps the one it saw first.
      await waitFor(() => honest.every((node) => node.h.chain.getEntry(x.hash()) && node.h.chain.getEntry(y.hash())), 10_000, 'both blocks everywhere');
      assert.equal(a.h.chain.height, height + 1);
      assert.equal(b.h.chain.height, height + 1);
      const split = a.h.chain.tip.hash !== b.h.chain.tip.hash;
      if (split) splits++;
      // The next block, found by B on its own tip, is the most-work chain: everyone follows it.
      const winner = b.h.chain.tip.hash === x.hash() ? left : right;
      const next = winner.next();
      assert.equal((await b.h.chain.processBlock(next)).status, 'connected');
      await waitForTip(honest, next.hash(), 10_000);
      main = winner;
    }
    assert.ok(splits > 0, 'the equivocation split A and B at least once');
    assert.deepEqual(new Set(honest.map((node) => node.h.chain.tip.hash)).size, 1);
    // Two valid blocks are not misbehaviour anyone can prove: nobody is banned.
    for (const node of honest) assert.deepEqual(node.p2p.listBanned(), []);
  });
});
