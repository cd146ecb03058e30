/**
 * Discovery with real libp2p nodes on 127.0.0.1 (in-process P2PNode instances, for speed): nodes
 * given only a seed's address find each other through addr/1 and the address book, stay
 * connected once the seed is gone, and relay blocks across the mesh they built.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeAll, DISCOVERY, payingBranch, reachable, startNode, type TestNode, waitFor, waitForTip } from './helpers.js';

const NODES = 12;

describe('discovery from a single seed', () => {
  const nodes: TestNode[] = [];
  after(() => closeAll(nodes));

  it(`${NODES} nodes given only the seed each reach 4 peers, survive the seed, and relay blocks`, async () => {
    const seed = await startNode({ p2p: DISCOVERY });
    const seedAddress = seed.p2p.addresses()[0];
    const others = await Promise.all(Array.from({ length: NODES - 1 }, () => startNode({ p2p: { ...DISCOVERY, seeds: [seedAddress] } })));
    nodes.push(seed, ...others);
    const began = Date.now();
    await waitFor(() => nodes.every((node) => node.p2p.peers().length >= 4), 150_000, 'every node with at least 4 peers');
    console.log(`every node had 4 peers after ${Date.now() - began} ms`);
    // Nothing but the seed was configured: every connection between the others came from the book.
    const outboundToOthers = others.flatMap((node) => node.p2p.peers().filter((peer) => !peer.inbound && peer.id !== seed.p2p.peerId && peer.connectionType !== 'manual'));
    assert.ok(outboundToOthers.length >= others.length, `only ${outboundToOthers.length} outbound connections between non-seed nodes`);

    // Outbound peers are in distinct network groups (loopback: one group per port).
    for (const node of others) {
      const groups = node.p2p.connections().outboundGroups();
      assert.equal(new Set(groups).size, groups.length, `outbound groups repeat: ${groups.join(', ')}`);
    }

    const seedId = seed.p2p.peerId;
    await seed.close();
    nodes.splice(nodes.indexOf(seed), 1);
    await waitFor(() => others.every((node) => !node.p2p.peers().some((peer) => peer.id === seedId)), 20_000, 'the seed gone from every peer list');
    assert.equal(reachable(others, others[0]), others.length, 'the graph stays connected without the seed');

    const branch = payingBranch(7);
    const block = branch.next();
    const miner = others[others.length - 1];
    await miner.h.chain.processBlock(block);
    await waitForTip(others, block.hash(), 30_000);
  });
});
