import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Transaction } from '../../src/primitives/index.js';
import { EvilPeer } from './evil.js';
import { closeAll, link, params, payingBranch, spendCoinbase, startNode, type TestNode, waitFor } from './helpers.js';

/** Txs whose signatures do not verify: a valid spend with its output changed after signing. */
function invalidSignatureTxs(valid: Transaction, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const outputs = [{ ...valid.outputs[0], value: valid.outputs[0].value - BigInt(i + 1) }];
    return new Transaction({ version: valid.version, inputs: valid.inputs, outputs, locktime: valid.locktime }).encode();
  });
}

describe('bans that stick', () => {
  const nodes: TestNode[] = [];
  const evils: EvilPeer[] = [];
  after(async () => {
    await Promise.all(evils.map((evil) => evil.stop().catch(() => undefined)));
    await closeAll(nodes);
  });

  test('a peer flooding invalid-signature transactions is disconnected and banned', async () => {
    const blocks = payingBranch(60).extend(3);
    const victim = await startNode({ blocks });
    nodes.push(victim);
    const evil = await EvilPeer.start(params);
    evils.push(evil);
    await evil.attack(victim.p2p.addresses()[0], victim.p2p.peerId);
    const txs = invalidSignatureTxs(spendCoinbase(blocks[2]), 40);
    // Paced, as a steady flood is: gossipsub graylists the peer after a few, long before our ban score reaches 100.
    for (const tx of txs) {
      if (!evil.connectedTo(victim.p2p.peerId)) break;
      await evil.publish('tx', tx);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await waitFor(() => victim.p2p.isBanned(evil.id), 20_000, 'the flooding peer banned');
    await waitFor(() => !evil.connectedTo(victim.p2p.peerId), 10_000, 'the flooding peer disconnected');
    assert.equal(victim.p2p.peers().some((peer) => peer.id === evil.id), false, 'its connection slot is free');
    assert.equal(victim.mempool.size, 0);
  });

  test('after repeated bans from one address a new peer id from it is refused; other local nodes are not', async () => {
    const victim = await startNode();
    const honest = await startNode();
    nodes.push(victim, honest);
    let port = 0;
    const address = (): string => `127.0.0.1:${port}`;
    for (let i = 0; i < victim.p2p.options.addressBanAfter; i++) {
      const evil = await EvilPeer.start(params, {}, port);
      evils.push(evil);
      port = evil.port;
      await evil.attack(victim.p2p.addresses()[0], victim.p2p.peerId);
      for (let j = 0; j < 6 && !victim.p2p.isBanned(evil.id); j++) await evil.publish('block', randomBytes(100 + j));
      await waitFor(() => victim.p2p.isBanned(evil.id), 10_000, `peer id ${i + 1} banned`);
      if (i + 1 < victim.p2p.options.addressBanAfter) assert.equal(victim.p2p.isAddressBanned(address()), false, 'one ban is not yet an address ban');
      await evil.stop();
    }
    assert.ok(victim.p2p.isAddressBanned(address()), 'the address is banned');
    assert.ok(victim.p2p.listBanned().some((ban) => ban.kind === 'address' && ban.target === address()));

    // Survives a restart, like peer bans.
    await victim.restart();
    assert.ok(victim.p2p.isAddressBanned(address()));

    // A fresh peer id at the same address: dropped as soon as it says where it listens, and never dialled.
    const fresh = await EvilPeer.start(params, {}, port);
    evils.push(fresh);
    await fresh.dial(victim.p2p.addresses()[0]);
    await waitFor(() => !fresh.connectedTo(victim.p2p.peerId), 10_000, 'the fresh peer id dropped');
    assert.equal(victim.p2p.isBanned(fresh.id), false, 'refused for its address, not its id');
    await assert.rejects(victim.p2p.connect(fresh.libp2p.getMultiaddrs()[0].toString()));

    // Another node on 127.0.0.1 (another listen port) is not caught by the address ban.
    await link(honest, victim);
    assert.ok(victim.p2p.peers().some((peer) => peer.id === honest.p2p.peerId));

    // setban remove lifts it.
    assert.ok(victim.p2p.unban(address()));
    await fresh.attack(victim.p2p.addresses()[0], victim.p2p.peerId);
  });
});
