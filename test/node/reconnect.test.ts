/**
 * Real daemons: a node that found its peers through a seed, restarted with no --peer and no
 * --seed, reconnects from its address book (peers.json) and dials its anchor (the
 * block-relay-only peer it had) first, as block-relay-only again. Also exercises the new RPCs.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { type Daemon, startDaemon } from './daemon.js';

interface Peer {
  peerId: string;
  connection_type: string;
  bytessent: number;
  bytesrecv: number;
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 150_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stopDaemon(daemon: Daemon): Promise<void> {
  if (daemon.proc.exitCode !== null) return;
  await daemon.call('stop').catch(() => undefined);
  await daemon.exited;
}

describe('a restarted daemon reconnects from its address book and anchors', { timeout: 900_000 }, () => {
  const daemons: Daemon[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const daemon of daemons) if (daemon.proc.exitCode === null) daemon.proc.kill('SIGKILL');
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const dir = async (name: string) => {
    const made = await mkdtemp(join(tmpdir(), `powcoin-${name}-`));
    dirs.push(made);
    return made;
  };
  const start = async (datadir: string, extra: string[]) => {
    const daemon = await startDaemon(datadir, extra);
    daemons.push(daemon);
    return daemon;
  };

  test('seed, two nodes; restart one without --peer or --seed', async () => {
    const seed = await start(await dir('seed'), []);
    const seedAddress = (await seed.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo')).localaddresses[0].address;
    // The other node fills its one outbound slot with the seed before B exists, so B is the one to dial it.
    // B learns of the other node only from its self-announcement relayed by the seed (a one-entry
    // book gives 23% of nothing to getaddr): announce often, so the wait is short on a busy machine.
    const other = await start(await dir('other'), ['--seed', seedAddress, '--max-outbound', '1', '--block-relay-only', '0', '--announce-interval', '5']);
    const slots = ['--max-outbound', '1', '--block-relay-only', '1', '--announce-interval', '5'];
    const bDir = await dir('b');
    let b = await start(bDir, ['--seed', seedAddress, ...slots]);

    const types = async (daemon: Daemon) => (await daemon.call<Peer[]>('getpeerinfo')).map((peer) => peer.connection_type).sort();
    await waitFor('B with one full-relay and one block-relay-only peer', async () => {
      const got = await types(b);
      return got.includes('outbound-full-relay') && got.includes('block-relay-only');
    });
    const before = await b.call<Peer[]>('getpeerinfo');
    const anchor = before.find((peer) => peer.connection_type === 'block-relay-only')!;
    assert.ok(before.every((peer) => peer.bytessent > 0 && peer.bytesrecv > 0), 'bytes are counted per connection');
    const totals = await b.call<{ totalbytessent: number; totalbytesrecv: number }>('getnettotals');
    assert.ok(totals.totalbytessent >= before.reduce((sum, peer) => sum + peer.bytessent, 0));
    const book = await b.call<Array<{ address: string }>>('getnodeaddresses', [0]);
    assert.ok(book.length >= 2, `B's book knows the seed and the other node: ${JSON.stringify(book)}`);

    await stopDaemon(b);
    const p2pDir = join(bDir, 'regtest', 'p2p');
    assert.ok(existsSync(join(p2pDir, 'anchors.json')), 'anchors saved on stop');
    assert.ok(existsSync(join(p2pDir, 'peers.json')), 'address book saved on stop');

    b = await start(bDir, slots);
    await waitFor('B reconnected to its anchor as block-relay-only and to a full-relay peer', async () => {
      const peers = await b.call<Peer[]>('getpeerinfo');
      return peers.some((peer) => peer.peerId === anchor.peerId && peer.connection_type === 'block-relay-only') && peers.some((peer) => peer.connection_type === 'outbound-full-relay');
    });
    assert.ok(!existsSync(join(p2pDir, 'anchors.json')), 'anchors file removed once read');

    // addnode: Core's errors for a second add and an unknown remove.
    const otherAddress = (await other.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo')).localaddresses[0].address;
    await b.call('addnode', [otherAddress, 'add']);
    await assert.rejects(b.call('addnode', [otherAddress, 'add']), (err: { code?: number }) => err.code === -23);
    await assert.rejects(b.call('addnode', [seedAddress, 'remove']), (err: { code?: number }) => err.code === -24);
    const added = await b.call<Array<{ addednode: string }>>('getaddednodeinfo');
    assert.deepEqual(added.map((row) => row.addednode), [otherAddress]);
    await b.call('addnode', [otherAddress, 'remove']);

    // getnodeaddresses / addpeeraddress / disconnectnode: Core's shapes and errors.
    const fakeId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
    const fake = `/ip4/10.9.8.7/tcp/18733/p2p/${fakeId}`;
    assert.deepEqual(await b.call('addpeeraddress', [`/ip4/10.9.8.7/p2p/${fakeId}`, 18733]), { success: true });
    const rows = await b.call<Array<{ address: string; port: number; network: string }>>('getnodeaddresses', [0, 'ipv4']);
    assert.ok(rows.some((row) => row.address === fake && row.port === 18733 && row.network === 'ipv4'), 'addpeeraddress puts it in the book');
    await assert.rejects(b.call('getnodeaddresses', [1, 'carrier-pigeon']), (err: { code?: number }) => err.code === -8);
    await assert.rejects(b.call('getnodeaddresses', [-1]), (err: { code?: number }) => err.code === -8);
    await assert.rejects(b.call('disconnectnode', ['x', 0]), (err: { code?: number }) => err.code === -8);
    await assert.rejects(b.call('disconnectnode', [fake]), (err: { code?: number }) => err.code === -29);
  });
});
