import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Branch } from '../helpers/chain-harness.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { encodeHeaders, encodeHeadersRequest } from '../../src/p2p/protocols/messages.js';
import { REQUEST_LIMITS, SERVE_SLACK } from '../../src/p2p/rate-limit.js';
import { protocolsFor } from '../../src/p2p/topics.js';
import { PENALTY } from '../../src/p2p/verdict.js';
import { EvilPeer } from './evil.js';
import { closeAll, link, params, startNode, type TestNode, waitFor } from './helpers.js';

describe('defence against bad peers', () => {
  const nodes: TestNode[] = [];
  const evils: EvilPeer[] = [];
  after(async () => {
    await Promise.all(evils.map((evil) => evil.stop()));
    await closeAll(nodes);
  });

  async function victimWithWitness(): Promise<{ victim: TestNode; witness: TestNode; evil: EvilPeer }> {
    const victim = await startNode();
    const witness = await startNode();
    nodes.push(victim, witness);
    await link(victim, witness);
    const evil = await EvilPeer.start(params);
    evils.push(evil);
    await evil.attack(victim.p2p.addresses()[0], victim.p2p.peerId);
    await waitFor(() => victim.p2p.peers().some((peer) => peer.id === evil.id), 5_000, 'victim sees the evil peer');
    return { victim, witness, evil };
  }

  async function expectBanned(victim: TestNode, evil: EvilPeer): Promise<void> {
    await waitFor(() => victim.p2p.isBanned(evil.id), 10_000, 'evil peer banned');
    await waitFor(() => !evil.connectedTo(victim.p2p.peerId), 10_000, 'evil peer disconnected');
    assert.ok(victim.p2p.listBanned().some((ban) => ban.target === evil.id));
  }

  test('an invalid block gets its publisher banned at once and is not forwarded', async () => {
    const { victim, witness, evil } = await victimWithWitness();
    const banned: string[] = [];
    victim.p2p.on('peerBanned', ({ id }) => banned.push(id));
    // Valid proof of work, but the coinbase pays itself one unit too many: bad-cb-amount.
    const bad = Branch.fromGenesis(params, 30).next({ coinbaseValue: 50n * 100_000_000n + 1n });
    await evil.publish('block', bad.encode());
    await expectBanned(victim, evil);
    assert.deepEqual(banned, [evil.id]);
    assert.equal(victim.h.chain.height, 0);
    // The witness, linked to the victim, never heard of it. Barrier: a valid block the victim
    // relays after the bad one; gossip to one peer keeps its order on one stream, so once the
    // witness has the good block, a forwarded bad one would have reached it first.
    const good = Branch.fromGenesis(params, 32).next();
    assert.equal((await victim.h.chain.processBlock(good)).status, 'connected');
    const heard = () => witness.h.chain.getEntry(bad.hash()) !== undefined || witness.p2p.banScore(victim.p2p.peerId) > 0;
    await waitFor(() => witness.h.chain.tip.hash === good.hash() || heard(), 30_000, 'the witness to get the valid block the victim relays');
    assert.equal(witness.h.chain.getEntry(bad.hash()), undefined, 'the witness never saw the invalid block');
    assert.equal(witness.p2p.banScore(victim.p2p.peerId), 0, 'the victim forwarded nothing invalid');
  });

  test('garbage bytes cost ban score per message until the peer is banned', async () => {
    const { victim, witness, evil } = await victimWithWitness();
    await evil.publish('block', randomBytes(200));
    await waitFor(() => victim.p2p.banScore(evil.id) === 20, 5_000, 'ban score 20');
    assert.ok(!victim.p2p.isBanned(evil.id));
    for (let i = 0; i < 4; i++) await evil.publish(i % 2 ? 'tx' : 'block', randomBytes(100 + i));
    await expectBanned(victim, evil);
    assert.equal(witness.p2p.banScore(victim.p2p.peerId), 0, 'the victim forwarded none of it');
  });

  test('oversized messages are refused before decoding and cost ban score', async () => {
    const { victim, evil } = await victimWithWitness();
    for (let i = 0; i < 5; i++) await evil.publish('tx', randomBytes(400_001 + i));
    await expectBanned(victim, evil);
  });

  test('a banned peer stays banned across a restart and is refused on reconnect; unban lets it back', async () => {
    const { victim, evil } = await victimWithWitness();
    victim.p2p.ban(evil.id, 3600, 'test');
    await waitFor(() => !evil.connectedTo(victim.p2p.peerId), 5_000, 'disconnect on ban');
    await victim.restart();
    assert.ok(victim.p2p.isBanned(evil.id), 'ban list persisted in dataDir');
    // The handshake completes on the dialler's side, then the victim's connection gater drops it.
    await evil.dial(victim.p2p.addresses()[0]);
    await waitFor(() => !evil.connectedTo(victim.p2p.peerId), 5_000, 'banned peer dropped');
    assert.equal(victim.p2p.peers().some((peer) => peer.id === evil.id), false);
    // Nor do we dial it.
    await assert.rejects(victim.p2p.connect(evil.libp2p.getMultiaddrs()[0].toString()), (err: Error) => err.name === 'DialDeniedError', 'refused by the ban gate');
    assert.ok(victim.p2p.unban(evil.id));
    await evil.attack(victim.p2p.addresses()[0], victim.p2p.peerId);
    victim.p2p.clearBanned();
    assert.deepEqual(victim.p2p.listBanned(), []);
  });

  test('a malformed request costs ban score', async () => {
    const { victim, evil } = await victimWithWitness();
    await evil.ask(victim.p2p.peerId, protocolsFor(params).headers, randomBytes(50));
    await waitFor(() => victim.p2p.banScore(evil.id) === PENALTY.malformed, 5_000, 'ban score for a malformed request');
  });

  test('a peer flooding us with requests, each one valid, is refused past the rate limit and banned', async () => {
    const { victim, evil } = await victimWithWitness();
    const request = encodeHeadersRequest({ locator: [params.genesisHash] });
    const allowed = REQUEST_LIMITS.headers.burst * SERVE_SLACK;
    const sent = await evil.flood(victim.p2p.peerId, protocolsFor(params).headers, request, allowed + 200);
    await expectBanned(victim, evil);
    // Served the burst, then 10 points per request over it: banned about ten requests later.
    assert.ok(sent > allowed && sent < allowed + 100, `banned after ${sent} requests`);
    assert.match(victim.p2p.listBanned()[0].reason, /over the rate limit/);
  });

  test('a peer claiming more work and serving headers without proof of work is banned during sync', async () => {
    const victim = await startNode();
    nodes.push(victim);
    const evil = await EvilPeer.start(params, { height: 10, chainwork: 1n << 100n });
    evils.push(evil);
    // A header on genesis whose hash misses regtest's target (about every second nonce does).
    let header = Branch.fromGenesis(params, 31).next().header;
    for (let nonce = 0; checkProofOfWork(header.hashBytes(), header.bits, params.powLimit) === undefined; nonce++) header = header.with({ nonce });
    await evil.answer(protocolsFor(params).headers, encodeHeaders([header]));
    await evil.dial(victim.p2p.addresses()[0]);
    await expectBanned(victim, evil);
    assert.equal(victim.h.chain.height, 0);
  });

  test('nodes on networks with different genesis blocks disconnect', async () => {
    const ours = await startNode();
    const theirs = await startNode({ p2pParams: { ...params, genesisHash: 'ab'.repeat(32) } });
    nodes.push(ours, theirs);
    await ours.p2p.connect(theirs.p2p.addresses()[0]).catch(() => undefined);
    await waitFor(() => ours.p2p.peers().length === 0 && theirs.p2p.peers().length === 0, 10_000, 'both sides to hang up');
    assert.equal(ours.p2p.isBanned(theirs.p2p.peerId), false, 'another network is not misbehaviour');
  });
});
