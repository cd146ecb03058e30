/**
 * Compact block relay between real libp2p nodes on 127.0.0.1: a block whose txs the receiver
 * already holds is rebuilt from its mempool with nothing fetched; txs it lacks are fetched over
 * blocktxn/1; a compact block whose short ids collide is replaced by the whole block; and a
 * forged compact block under the real header cannot stop the real one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeCompact, toCompact } from '../../src/p2p/compact/codec.js';
import { encodeBlocks } from '../../src/p2p/protocols/messages.js';
import { protocolsFor } from '../../src/p2p/topics.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import type { Block, Transaction } from '../../src/primitives/index.js';
import { type Branch, coinbaseOutpoint } from '../helpers/chain-harness.js';
import { EvilPeer } from './evil.js';
import { closeAll, key, link, params, payingBranch, startNode, type TestNode, waitFor, waitForTip } from './helpers.js';

const PAYMENTS = 400;
const CEILING_MS = 30_000;

describe('compact block relay between real nodes', () => {
  const nodes: TestNode[] = [];
  const evils: EvilPeer[] = [];
  let branch: Branch;
  let miner: TestNode;
  let receiver: TestNode;
  let payments: Transaction[];

  /** Funding: a fan-out tx with PAYMENTS outputs, confirmed; the payments spend one output each. */
  before(async () => {
    branch = payingBranch(91);
    const blocks = branch.extend(2);
    const value = blocks[0].txs[0].outputs[0].value;
    const each = (value - 100_000n) / BigInt(PAYMENTS);
    const fan = key.spend([{ outpoint: coinbaseOutpoint(blocks[0]), value }], Array.from({ length: PAYMENTS }, () => ({ value: each, script: key.script })));
    blocks.push(branch.next({ txs: [fan], fees: 100_000n }));
    payments = fan.outputs.map((output, i) => key.spend([{ outpoint: new OutPoint(fan.txidBytes(), i), value: output.value }], [{ value: output.value - 1_000n, script: key.script }]));
    // No mempool reconciliation: the receiver holds exactly the txs each test gives it.
    const p2p = { mempoolSyncMs: 0 };
    miner = await startNode({ blocks, p2p });
    receiver = await startNode({ blocks, p2p });
    nodes.push(miner, receiver);
    // Before the link, so gossip does not hand the receiver the txs it must lack: the first 300
    // in both pools, the rest only in the miner's but for two.
    for (const tx of payments) await miner.mempool.acceptTransaction(tx);
    for (const [i, tx] of payments.entries()) if (i < 300 || i === 350 || i === 360) await receiver.mempool.acceptTransaction(tx);
    await link(miner, receiver);
  });

  after(async () => {
    await Promise.all(evils.map((evil) => evil.stop()));
    await closeAll(nodes);
  });

  test('a block of 200 txs all in the receiver’s mempool: rebuilt from it, the same block, nothing fetched', async () => {
    const block = branch.next({ txs: payments.slice(0, 200), fees: 200_000n });
    const before = receiver.p2p.compactStats();
    assert.equal((await miner.h.chain.processBlock(block)).status, 'connected');
    await waitForTip([receiver], block.hash(), CEILING_MS);
    const stats = receiver.p2p.compactStats();
    assert.equal(stats.fromPool - before.fromPool, 1);
    assert.equal(stats.fetched - before.fetched, 0);
    assert.equal(stats.fullBlocks - before.fullBlocks, 0);
    const stored = await receiver.h.chain.getBlock(block.hash());
    assert.deepEqual(stored?.encode(), block.encode());
  });

  test('txs the receiver lacks are fetched by position from the sender', async () => {
    // Payments 300..399: the receiver holds only 350 and 360.
    const block = branch.next({ txs: payments.slice(300, 400), fees: 100_000n });
    const before = receiver.p2p.compactStats();
    assert.equal((await miner.h.chain.processBlock(block)).status, 'connected');
    await waitForTip([receiver], block.hash(), CEILING_MS);
    const stats = receiver.p2p.compactStats();
    assert.equal(stats.fetched - before.fetched, 1);
    assert.equal(stats.txsFetched - before.txsFetched, 98);
    assert.equal(stats.fullBlocks - before.fullBlocks, 0);
    assert.deepEqual((await receiver.h.chain.getBlock(block.hash()))?.encode(), block.encode());
  });

  /** A raw peer on the receiver that speaks the compact topic. */
  async function evilOnReceiver(): Promise<EvilPeer> {
    const evil = await EvilPeer.start(params);
    evils.push(evil);
    evil.libp2p.services.pubsub.subscribe(evil.topics.compact);
    await evil.attack(receiver.p2p.addresses()[0], receiver.p2p.peerId);
    await waitFor(() => evil.libp2p.services.pubsub.getSubscribers(evil.topics.compact).some((peer) => peer.toString() === receiver.p2p.peerId), CEILING_MS, 'receiver subscribed to compact blocks');
    return evil;
  }

  test('a forged compact block under the real header (junk short ids) does not stop the real block', async () => {
    const block = branch.next({ txs: payments.slice(200, 250), fees: 50_000n });
    const evil = await evilOnReceiver();
    const forged = toCompact(block);
    forged.shortIds = forged.shortIds.map((_, i) => i + 1);
    const before = receiver.p2p.compactStats();
    await evil.libp2p.services.pubsub.publish(evil.topics.compact, encodeCompact(forged));
    // The forger cannot serve the txs or the block: the receiver gives up on that message.
    await waitFor(() => receiver.p2p.compactStats().fullBlocks > before.fullBlocks, CEILING_MS, 'the receiver to give up on the forged compact block');
    assert.notEqual(receiver.h.chain.tip.hash, block.hash());
    assert.equal(receiver.h.chain.getEntry(block.hash())?.isFailed() ?? false, false);
    assert.equal((await miner.h.chain.processBlock(block)).status, 'connected');
    await waitForTip([receiver], block.hash(), CEILING_MS);
    assert.equal(receiver.h.chain.getEntry(block.hash())?.isFailed(), false);
  });

  test('short ids that collide within the message: the whole block is fetched instead', async () => {
    const block = branch.next({ txs: payments.slice(250, 300), fees: 50_000n });
    const evil = await evilOnReceiver();
    await evil.answer(protocolsFor(params).blocks, encodeBlocks([block.encode()]));
    const colliding = toCompact(block);
    colliding.shortIds[7] = colliding.shortIds[3];
    const before = receiver.p2p.compactStats();
    await evil.libp2p.services.pubsub.publish(evil.topics.compact, encodeCompact(colliding));
    await waitForTip([receiver], block.hash(), CEILING_MS);
    const stats = receiver.p2p.compactStats();
    assert.equal((stats.fallbackReasons['short-id-collision'] ?? 0) - (before.fallbackReasons['short-id-collision'] ?? 0), 1);
    // The tip moves as the block connects; its body may still be on its way to the store.
    await waitFor(async () => (await receiver.h.chain.getBlock(block.hash())) !== undefined, CEILING_MS, 'the stored body');
    assert.deepEqual((await receiver.h.chain.getBlock(block.hash()))?.encode(), block.encode());
  });
});
