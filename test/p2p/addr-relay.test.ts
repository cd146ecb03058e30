/**
 * addr/1 on the wire, real libp2p nodes on 127.0.0.1: a peer pushing thousands of addresses gets
 * only its token bucket's worth into our book (dropped, not punished), and a fresh small
 * announcement is relayed on to our other addr-relaying peers.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import type { AddressRecord } from '../../src/p2p/addrman/types.js';
import { addrProtocol, pushAddrs, type AddrContext } from '../../src/p2p/protocols/addr.js';
import { EvilPeer } from './evil.js';
import { closeAll, params, startNode, type TestNode, waitFor } from './helpers.js';

async function records(count: number, lastSeen = Date.now()): Promise<AddressRecord[]> {
  const out: AddressRecord[] = [];
  for (let i = 0; i < count; i++) {
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
    // Spread over many /16s, so the book's buckets are not what limits them.
    out.push({ peerId, multiaddrs: [`/ip4/${11 + (i % 200)}.${(i >> 8) % 256}.${i % 256}.1/tcp/8733`], services: 9, lastSeen });
  }
  return out;
}

function contextOf(peer: EvilPeer): AddrContext {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child: () => quiet };
  return { libp2p: peer.libp2p, protocol: addrProtocol(params.protocolName), selfId: peer.id, timeoutMs: 10_000, logger: quiet as never, penalise: () => undefined };
}

describe('addr/1 relay', () => {
  const nodes: TestNode[] = [];
  const evil: EvilPeer[] = [];
  after(async () => {
    await Promise.all(evil.map((peer) => peer.libp2p.stop()));
    await closeAll(nodes);
  });

  it("drops a flood of addresses past the sender's token bucket, without punishing it, and relays a fresh announcement", async () => {
    const victim = await startNode();
    const honest = await startNode();
    nodes.push(victim, honest);
    await honest.p2p.connect(victim.p2p.addresses()[0]);
    const flooder = await EvilPeer.start(params);
    evil.push(flooder);
    await flooder.dial(victim.p2p.addresses()[0]);
    await waitFor(() => victim.p2p.peers().length === 2, 10_000, 'both connected to the victim');
    // The honest peer announces itself once its handshake is done: once its record is in the
    // victim's book, the victim relays addresses to it (an inbound peer joins address relay by
    // sending getaddr or addr), and its announcement cannot land in the book during the flood.
    await waitFor(() => victim.p2p.addressBook().get(honest.p2p.peerId) !== undefined, 30_000, "the honest peer's self-announcement in the victim's book");
    const before = victim.p2p.addressBook().size;

    const flood = await records(2_000);
    const floodStarted = Date.now();
    await pushAddrs(contextOf(flooder), peerIdFromString(victim.p2p.peerId), flood.slice(0, 1_000));
    await pushAddrs(contextOf(flooder), peerIdFromString(victim.p2p.peerId), flood.slice(1_000));
    const gained = victim.p2p.addressBook().size - before;
    // The budget: 1 token, plus 0.1 a second for as long as the pushes took (long on a loaded machine).
    const budget = 1 + Math.ceil((0.1 * (Date.now() - floodStarted)) / 1000);
    assert.ok(gained <= budget, `the flood put ${gained} addresses in the book (budget: 1, plus 0.1/s: ${budget})`);
    assert.equal(victim.p2p.isBanned(flooder.id), false, 'excess addresses are dropped, not punished');
    assert.equal(victim.p2p.banScore(flooder.id), 0);

    // A second peer's single fresh announcement is within its budget and goes on to the honest peer.
    const announcer = await EvilPeer.start(params);
    evil.push(announcer);
    await announcer.dial(victim.p2p.addresses()[0]);
    await waitFor(() => victim.p2p.peers().length === 3, 10_000, 'the announcer connected');
    const [fresh] = await records(1);
    await pushAddrs(contextOf(announcer), peerIdFromString(victim.p2p.peerId), [fresh]);
    assert.ok(victim.p2p.addressBook().get(fresh.peerId), 'the victim keeps the announcement');
    await waitFor(() => honest.p2p.addressBook().get(fresh.peerId) !== undefined, 30_000, 'the announcement relayed to the honest peer');
  });
});
