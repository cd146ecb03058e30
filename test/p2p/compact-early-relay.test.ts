/**
 * Early relay of compact blocks (BIP152 high-bandwidth style, as Core): a node forwards a
 * compact block once its header and proof of work pass, before it has rebuilt and validated the
 * body. A block that then fails full validation must be connected nowhere, and under Core's
 * rules (MaybePunishNodeForBlock with via_compact_block) the peers that forwarded it in good
 * faith are not punished for it.
 *
 * Line: a raw gossip peer → middle → far. The raw peer publishes a block whose header is
 * valid but one of whose prefilled txs spends a coin that does not exist.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeCompact, toCompact } from '../../src/p2p/compact/codec.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import type { Block } from '../../src/primitives/index.js';
import type { Branch } from '../helpers/chain-harness.js';
import { EvilPeer } from './evil.js';
import { closeAll, key, link, params, payingBranch, spendCoinbase, startNode, type TestNode, waitFor, waitForTip } from './helpers.js';

const CEILING_MS = 30_000;

describe('compact blocks relayed before validation', () => {
  const nodes: TestNode[] = [];
  let evil: EvilPeer;
  let branch: Branch;
  let funding: Block[];
  let middle: TestNode;
  let far: TestNode;

  before(async () => {
    branch = payingBranch(93);
    funding = branch.extend(3);
    const p2p = { mempoolSyncMs: 0 };
    middle = await startNode({ blocks: funding, p2p });
    far = await startNode({ blocks: funding, p2p });
    nodes.push(middle, far);
    await link(middle, far);
    evil = await EvilPeer.start(params);
    evil.libp2p.services.pubsub.subscribe(evil.topics.compact);
    await evil.attack(middle.p2p.addresses()[0], middle.p2p.peerId);
    await waitFor(() => evil.libp2p.services.pubsub.getSubscribers(evil.topics.compact).some((peer) => peer.toString() === middle.p2p.peerId), CEILING_MS, 'middle subscribed to compact blocks');
  });

  after(async () => {
    await evil.stop();
    await closeAll(nodes);
  });

  test('an invalid body under a valid header: forwarded, connected nowhere, no forwarder punished; the real block then connects', async () => {
    const real = branch.forkAt(branch.height, 94);
    const paid = spendCoinbase(funding[0]);
    const ghost = key.spend([{ outpoint: new OutPoint(new Uint8Array(32).fill(0xab), 0), value: 5_000_000n }], [{ value: 4_000_000n, script: key.script }]);
    const invalid = branch.next({ txs: [paid, ghost] });
    const hash = invalid.hash();
    const before = { middle: middle.p2p.compactStats().received, far: far.p2p.compactStats().received };
    // Neither tx is in a mempool: both prefilled, so the body rebuilds without any fetch.
    await evil.libp2p.services.pubsub.publish(evil.topics.compact, encodeCompact(toCompact(invalid, () => true)));
    // The far node only hears of it through the middle's early forward, and then refuses the body itself.
    await waitFor(() => far.h.chain.getEntry(hash)?.isFailed() === true, CEILING_MS, 'the far node to refuse the body');
    await waitFor(() => middle.h.chain.getEntry(hash)?.isFailed() === true, CEILING_MS, 'the middle node to refuse the body');
    assert.equal(far.p2p.compactStats().received - before.far, 1);
    assert.equal(middle.p2p.compactStats().received - before.middle, 1);
    assert.notEqual(far.h.chain.tip.hash, hash);
    assert.notEqual(middle.h.chain.tip.hash, hash);
    // Core's via_compact_block: a consensus failure of a block relayed before validation costs the relayer nothing.
    assert.equal(far.p2p.banScore(middle.p2p.peerId), 0);
    assert.equal(middle.p2p.banScore(evil.libp2p.peerId.toString()), 0);
    assert.equal(far.p2p.isBanned(middle.p2p.peerId), false);
    assert.ok(far.p2p.peers().some((peer) => peer.id === middle.p2p.peerId), 'the far node keeps its link to the middle');
    // The honest block at the same height still goes through the same path.
    const good = real.next({ txs: [paid], fees: 10_000n });
    assert.equal((await middle.h.chain.processBlock(good)).status, 'connected');
    await waitForTip([far], good.hash(), CEILING_MS);
  });
});
