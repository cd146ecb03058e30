import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { decodeReconcileReply, encodeReconcileReply, shortId, answerReconcile, decodeReconcileRequest, encodeReconcileRequest } from '../../src/p2p/protocols/mempool.js';
import type { Stack } from '../../src/p2p/stack.js';
import { protocolsFor } from '../../src/p2p/topics.js';
import { PENALTY } from '../../src/p2p/verdict.js';
import { EvilPeer } from './evil.js';
import { closeAll, link, params, payingBranch, spendCoinbase, startNode, type TestNode, waitFor } from './helpers.js';

describe('mempool reconciliation codec', () => {
  test('short ids are salted: the same wtxid gets another id under another salt', () => {
    const wtxid = 'ab'.repeat(32);
    assert.ok(shortId(new Uint8Array(8), wtxid) < 2 ** 48);
    assert.notEqual(shortId(new Uint8Array(8), wtxid), shortId(randomBytes(8), wtxid));
  });

  test('the responder returns what the requester lacks and asks for what it lacks', () => {
    const pool = (ids: string[], time = 0) => ids.map((wtxid) => ({ wtxid, time, tx: { encode: () => Buffer.from(wtxid, 'hex') } }));
    const [a, b, c] = ['01', '02', '03'].map((byte) => byte.repeat(32));
    const request = decodeReconcileRequest(encodeReconcileRequest(randomBytes(8), [a, b]));
    const reply = decodeReconcileReply(encodeReconcileReply(answerReconcile(request, pool([b, c]))), 2);
    assert.deepEqual(reply.want, [0]);
    assert.deepEqual(reply.txs.map((tx) => Buffer.from(tx).toString('hex')), [c]);
    assert.equal(reply.more, false);
    // Asked to leave out txs younger than 3 s, a tx 1 s old stays out (gossip is carrying it).
    const young = decodeReconcileRequest(encodeReconcileRequest(randomBytes(8), [a], 3));
    assert.equal(young.minAge, 3);
    assert.deepEqual(answerReconcile(young, pool([c], 100), 101).txs, []);
    assert.equal(answerReconcile(young, pool([c], 100), 103).txs.length, 1);
  });

  test('replies with wants out of order or out of range, or trailing bytes, are refused', () => {
    const reply = (want: number[]) => encodeReconcileReply({ want, txs: [], more: false });
    assert.throws(() => decodeReconcileReply(reply([1, 0]), 5), /out of order or range/);
    assert.throws(() => decodeReconcileReply(reply([5]), 5), /out of order or range/);
    assert.throws(() => decodeReconcileReply(reply([0, 1, 2]), 2), /wants for 2/);
    assert.throws(() => decodeReconcileReply(Buffer.concat([reply([0]), Buffer.from([0])]), 2), /after the end/);
    assert.throws(() => decodeReconcileRequest(new Uint8Array(7)), /salt/);
  });
});

describe('mempool reconciliation between real nodes', () => {
  const nodes: TestNode[] = [];
  const evils: EvilPeer[] = [];
  after(async () => {
    await Promise.all(evils.map((evil) => evil.stop()));
    await closeAll(nodes);
  });

  test('txs accepted while two nodes were apart reach the other side when they connect', async () => {
    const blocks = payingBranch(70).extend(3);
    // No periodic rounds within the test: only the one on connect can repair the mempools.
    const p2p = { mempoolSyncMs: 3_600_000 };
    const a = await startNode({ blocks, p2p });
    const b = await startNode({ blocks, p2p });
    nodes.push(a, b);
    const onlyA = spendCoinbase(blocks[1]);
    const onlyB = spendCoinbase(blocks[2]);
    await a.mempool.acceptTransaction(onlyA);
    await b.mempool.acceptTransaction(onlyB);
    // Gossip cannot help: both were accepted with nobody to publish to.
    await b.p2p.connect(a.p2p.addresses()[0]);
    await waitFor(() => a.mempool.has(onlyB.txid()) && b.mempool.has(onlyA.txid()), 20_000, 'both mempools to hold both txs');
    assert.equal(a.mempool.size, 2);
    assert.equal(b.mempool.size, 2);
    const again = await b.p2p.reconcileMempool(a.p2p.peerId);
    assert.deepEqual([again.received, again.pushed], [0, 0], 'nothing left to move');
    assert.ok(again.requestBytes <= 8 + 1 + 1 + 2 * 6, `request of ${again.requestBytes} bytes carries short ids only`);
  });

  test('a tx gossip could not deliver (the peer was not subscribed) arrives by the periodic reconciliation', async () => {
    const blocks = payingBranch(71).extend(2);
    const a = await startNode({ blocks, p2p: { mempoolSyncMs: 300 } });
    const b = await startNode({ blocks, p2p: { mempoolSyncMs: 3_600_000 } });
    nodes.push(a, b);
    await link(a, b);
    // A leaves the tx topic: B's gossip has nobody to send its txs to, as before a subscription arrives.
    const pubsub = (a.p2p as unknown as { stack: Stack }).stack.services.pubsub;
    pubsub.unsubscribe(a.p2p.topics.tx);
    await waitFor(() => !b.p2p.meshPeers().tx.includes(a.p2p.peerId), 10_000, 'A out of the tx mesh');
    await waitFor(() => !(b.p2p as unknown as { stack: Stack }).stack.services.pubsub.getSubscribers(b.p2p.topics.tx).some((peer) => peer.toString() === a.p2p.peerId), 10_000, 'B to see A unsubscribed');
    const tx = spendCoinbase(blocks[1]);
    await b.mempool.acceptTransaction(tx);
    // Only A's periodic rounds (A dialled B) can bring it over.
    await waitFor(() => a.mempool.has(tx.txid()), 20_000, 'the tx at A');
  });

  test('a peer answering reconciliation with garbage costs ban score', async () => {
    const victim = await startNode();
    nodes.push(victim);
    const evil = await EvilPeer.start(params);
    evils.push(evil);
    await evil.answer(protocolsFor(params).mempool, randomBytes(40));
    // We dial it, so we reconcile with it once the statuses are exchanged.
    await victim.p2p.connect(evil.libp2p.getMultiaddrs()[0].toString());
    await waitFor(() => victim.p2p.banScore(evil.id) >= PENALTY.malformed, 10_000, 'ban score for a malformed reply');
  });
});
