/**
 * Headers-first sync against peers that lie: a peer that claims far more work than it has and
 * never sends blocks, one that sends headers but never blocks, headers with valid proof of work
 * but the wrong bits, and a header chain longer than ours with too little work.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { blockProof } from '../../src/consensus/pow.js';
import { defineNetwork } from '../../src/params/index.js';
import type { BlockHeader } from '../../src/primitives/header.js';
import { genesisBlock } from '../helpers/builders.js';
import { EvilPeer, mineHeaders } from './evil.js';
import { closeAll, params, payingBranch, startNode, type TestNode, waitFor, waitForTip } from './helpers.js';

const REGTEST_BITS = 0x207fffff;
const PROOF = blockProof(REGTEST_BITS);

describe('headers-first sync', () => {
  const nodes: TestNode[] = [];
  const evils: EvilPeer[] = [];
  after(async () => {
    await closeAll(nodes);
    await Promise.all(evils.map((evil) => evil.stop()));
  });

  async function evilPeer(claim: { height: number; chainwork: bigint }, headers: readonly BlockHeader[]): Promise<EvilPeer> {
    const evil = await EvilPeer.start(params, { ...claim, tipHash: headers.at(-1)?.hash() ?? params.genesisHash });
    await evil.serveHeadersOnly(params, headers);
    evils.push(evil);
    return evil;
  }

  const addressOf = (evil: EvilPeer): string => evil.libp2p.getMultiaddrs()[0].toString();

  test('a liar (huge claimed work, no blocks) and a peer that sends headers but never blocks cannot stall a fresh node', async (t) => {
    const branch = payingBranch(31);
    const blocks = branch.extend(1_300);
    const honest = await startNode({ blocks });
    nodes.push(honest);
    const headers = blocks.map((block) => block.header);

    // Baseline: a fresh node syncing from the honest peer alone.
    const baseline = await startNode();
    nodes.push(baseline);
    let started = Date.now();
    await baseline.p2p.connect(honest.p2p.addresses()[0]);
    await waitForTip([baseline], branch.tip.hash(), 120_000);
    const honestMs = Date.now() - started;

    // The victim meets the liar and the silent peer first, so they hold the start of its window.
    const liar = await evilPeer({ height: 1_000_000, chainwork: 1n << 200n }, headers);
    const silent = await evilPeer({ height: 1_300, chainwork: honest.h.chain.tip.chainwork }, headers);
    // Requests wait a minute before they time out, so only stall detection can finish in time.
    const victim = await startNode({ p2p: { requestTimeoutMs: 60_000 } });
    nodes.push(victim);
    started = Date.now();
    await victim.p2p.connect(addressOf(liar));
    await victim.p2p.connect(addressOf(silent));
    await waitFor(() => liar.blocksAsked > 0 && silent.blocksAsked > 0, 30_000, 'blocks asked of both bad peers');
    assert.equal(victim.h.chain.bestHeader.height, 1_300, 'their headers are the honest chain, so they are stored');
    await victim.p2p.connect(honest.p2p.addresses()[0]);
    await waitForTip([victim], branch.tip.hash(), 50_000);
    const attackedMs = Date.now() - started;
    t.diagnostic(`1,300 blocks: honest peer alone ${honestMs} ms; with a liar and a silent peer ahead of it ${attackedMs} ms`);

    const victimId = victim.p2p.peerId;
    await waitFor(() => !liar.connectedTo(victimId) && !silent.connectedTo(victimId), 30_000, 'both bad peers disconnected');
    assert.ok(victim.p2p.isBanned(liar.id) || victim.p2p.banScore(liar.id) >= 50, 'the liar is penalised for claiming work it did not deliver');
    assert.equal(victim.p2p.banScore(silent.id), 0, 'slowness is not malice: the silent peer only loses its connection');
    assert.equal(victim.p2p.banScore(honest.p2p.peerId), 0);
  });

  test('2,000 headers with valid proof of work but the wrong bits are refused before any block is asked for', async () => {
    const genesis = genesisBlock(params).header;
    const wrong = mineHeaders({ hash: params.genesisHash, time: genesis.time }, 2_000, 0x207ffffe, params.powLimit);
    const evil = await evilPeer({ height: 2_000, chainwork: PROOF * 4_000n }, wrong);
    const victim = await startNode({ blocks: payingBranch(32).extend(5) });
    nodes.push(victim);
    await victim.p2p.connect(addressOf(evil));
    await waitFor(() => victim.p2p.isBanned(evil.id), 30_000, 'the sender banned');
    await victim.p2p.syncIdle();
    assert.equal(evil.blocksAsked, 0, 'no block requested');
    assert.equal(victim.h.chain.bestHeader.height, 5, 'no header stored');
    assert.equal(victim.h.chain.getEntry(wrong[0].hash()), undefined);
  });

  test('a header chain longer than ours but under the minimum chain work is checked, never stored, and its overclaiming sender penalised', async () => {
    const network = defineNetwork({ minimumChainWork: PROOF * 3_000n }, params);
    const victim = await startNode({ params: network, blocks: payingBranch(33).extend(10) });
    nodes.push(victim);
    const genesis = genesisBlock(params).header;
    const low = mineHeaders({ hash: params.genesisHash, time: genesis.time }, 2_500, REGTEST_BITS, params.powLimit, 600, 1);
    const evil = await evilPeer({ height: 2_500, chainwork: 1n << 100n }, low);
    await victim.p2p.connect(addressOf(evil));
    await waitFor(() => victim.p2p.banScore(evil.id) >= 50, 30_000, 'the sender penalised');
    await victim.p2p.syncIdle();
    assert.equal(evil.blocksAsked, 0, 'no block requested');
    assert.equal(victim.h.chain.bestHeader.height, 10, 'nothing stored');
    assert.equal(victim.h.chain.getEntry(low[0].hash()), undefined);
  });

  test('a chain that proves the minimum work during presync is downloaded again, stored, and its blocks requested', async () => {
    const network = defineNetwork({ minimumChainWork: PROOF * 3_000n }, params);
    const victim = await startNode({ params: network });
    nodes.push(victim);
    const genesis = genesisBlock(params).header;
    const enough = mineHeaders({ hash: params.genesisHash, time: genesis.time }, 3_500, REGTEST_BITS, params.powLimit, 600, 2);
    const evil = await evilPeer({ height: 3_500, chainwork: PROOF * 3_501n }, enough);
    await victim.p2p.connect(addressOf(evil));
    await waitFor(() => victim.h.chain.bestHeader.height === 3_500, 30_000, 'the presynced chain stored');
    await waitFor(() => evil.blocksAsked > 0, 30_000, 'its blocks requested');
    assert.equal(victim.h.chain.bestHeader.hash, enough.at(-1)!.hash());
    assert.equal(victim.p2p.banScore(evil.id), 0);
  });
});
