import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { BoundedSet } from '../../src/util/bounded-set.js';
import { blockMessageId } from '../../src/p2p/topics.js';
import { processAll } from '../helpers/chain-harness.js';
import { closeAll, link, payingBranch, spendCoinbase, startNode, type TestNode, waitFor, waitForTip } from './helpers.js';

describe('sync', () => {
  const nodes: TestNode[] = [];
  after(async () => closeAll(nodes));

  test('a node 500 blocks behind syncs to the tip on connect (headers then blocks, with txs)', async () => {
    const branch = payingBranch(10);
    const blocks = branch.extend(5);
    for (let i = 0; i < 515; i++) blocks.push(branch.next(i % 50 === 0 ? { txs: [spendCoinbase(branch.at(i + 1))], fees: 10_000n } : {}));
    const ahead = await startNode({ blocks });
    const behind = await startNode({ blocks: blocks.slice(0, 20) });
    nodes.push(ahead, behind);
    await behind.p2p.connect(ahead.p2p.addresses()[0]);
    await waitForTip([behind], branch.tip.hash(), 30_000);
    assert.equal(behind.h.chain.height - 20, 500);
    assert.equal(ahead.p2p.banScore(behind.p2p.peerId), 0, 'a fast sync stays within the request limits');
  });

  test('with two peers ahead, downloads are shared and the node still connects every block in order', async () => {
    const branch = payingBranch(16);
    const blocks = branch.extend(250);
    const [a, b] = await Promise.all([startNode({ blocks }), startNode({ blocks })]);
    const c = await startNode();
    nodes.push(a, b, c);
    await Promise.all([c.p2p.connect(a.p2p.addresses()[0]), c.p2p.connect(b.p2p.addresses()[0])]);
    await waitForTip([c], branch.tip.hash(), 30_000);
    await c.p2p.syncIdle();
    assert.equal(c.p2p.peers().filter((peer) => peer.height === 250).length, 2);
    const delivered = c.p2p.syncState()!.peers.map((peer) => peer.delivered);
    assert.equal(delivered.filter((n) => n > 0).length, 2, `blocks delivered per peer: ${delivered}`);
  });

  test('a stopped node reopens its chain, resumes with the same identity, and catches up', async () => {
    const branch = payingBranch(11);
    const a = await startNode({ blocks: branch.extend(10) });
    const b = await startNode({ blocks: [] });
    nodes.push(a, b);
    await link(a, b);
    await waitForTip([b], branch.tip.hash());
    const idBefore = b.p2p.peerId;
    await b.restart();
    assert.equal(b.p2p.peerId, idBefore, 'identity kept in dataDir');
    assert.equal(b.h.chain.height, 10, 'chain reopened from disk');
    await processAll(a.h.chain, branch.extend(40));
    await b.p2p.connect(a.p2p.addresses()[0]);
    await waitForTip([b], branch.tip.hash());
  });

  test('partition: two groups mine apart, reconnect, and all end on the most-work chain; the losing side’s txs return to every mempool', async () => {
    const shared = payingBranch(12);
    const common = shared.extend(5);
    const group = await Promise.all([0, 1, 2, 3].map(() => startNode({ blocks: common })));
    nodes.push(...group);
    const [a1, a2, b1, b2] = group;
    await Promise.all([link(a1, a2), link(b1, b2)]);
    const left = shared.forkAt(5, 13);
    const right = shared.forkAt(5, 14);
    // The losing side relays T, spending a coin both sides have, and confirms it.
    const t = spendCoinbase(shared.at(1));
    await a1.mempool.acceptTransaction(t);
    await waitFor(() => a2.mempool.has(t.txid()), 10_000, 'T relayed to a2');
    await a1.h.chain.processBlock(left.next({ txs: [t], fees: 10_000n }));
    for (let i = 0; i < 2; i++) await a1.h.chain.processBlock(left.next());
    for (let i = 0; i < 8; i++) await b1.h.chain.processBlock(right.next());
    await waitForTip([a1, a2], left.tip.hash());
    await waitForTip([b1, b2], right.tip.hash());
    await waitFor(() => !a1.mempool.has(t.txid()) && !a2.mempool.has(t.txid()), 10_000, 'T confirmed on the losing side');
    assert.ok(!b1.mempool.has(t.txid()) && !b2.mempool.has(t.txid()), 'the winning side never heard of T');
    // Heal the partition: the short side reorganises onto the long one.
    await link(a2, b2);
    await waitForTip(group, right.tip.hash());
    // T is still valid on the winning chain: back in the losing side's mempools, and pushed from
    // there to the winning side (gossip alone would not: every losing node has seen T's id).
    await waitFor(() => group.every((node) => node.mempool.has(t.txid())), 10_000, 'T in every mempool');
    // And blocks keep flowing across the healed network: the next one mines T, once, everywhere.
    const next = right.next({ txs: [t], fees: 10_000n });
    assert.equal((await b1.h.chain.processBlock(next)).status, 'connected');
    await waitForTip(group, next.hash());
    await waitFor(() => group.every((node) => !node.mempool.has(t.txid())), 10_000, 'T mined everywhere');
    for (const node of group) assert.deepEqual(node.p2p.listBanned(), []);
  });

  test('a gossiped block whose parent is unknown makes the receiver sync the gap from the sender', async () => {
    const branch = payingBranch(15);
    const a = await startNode({ blocks: branch.extend(3) });
    const b = await startNode({ blocks: [1, 2, 3].map((height) => branch.at(height)) });
    nodes.push(a, b);
    await link(a, b);
    // A connects 5 blocks without announcing them (as if it had been out of touch when they came)...
    const quiet = branch.extend(5);
    for (const block of quiet) heardSet(a).add(blockMessageId(block.encode()));
    await processAll(a.h.chain, quiet);
    assert.equal(b.h.chain.height, 3);
    // ...then announces the next one: B cannot connect it, and fetches the gap from A.
    const last = branch.next();
    await a.h.chain.processBlock(last);
    await waitForTip([b], last.hash());
  });
});

/** The node's memory of what it heard from the network (private; reached into by this test only). */
function heardSet(node: TestNode): BoundedSet<string> {
  return (node.p2p as unknown as { heard: BoundedSet<string> }).heard;
}
