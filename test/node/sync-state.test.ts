/**
 * A real daemon in the middle of a sync: a peer has sent it 2,000 headers and no blocks. Its
 * RPC must say so honestly (headers > blocks, initial block download, progress between 0 and
 * 1), show the header-only branch, and keep the header tree across a restart.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { networks } from '../../src/params/index.js';
import { genesisBlock } from '../helpers/builders.js';
import { EvilPeer, mineHeaders } from '../p2p/evil.js';
import { waitFor } from '../p2p/helpers.js';
import { type Daemon, startDaemon } from './daemon.js';

const params = networks.regtest;

interface ChainInfo {
  blocks: number;
  headers: number;
  initialblockdownload: boolean;
  verificationprogress: number;
  size_on_disk: number;
}

describe('sync state of a daemon that has headers ahead of its blocks', { timeout: 900_000 }, () => {
  let dir: string;
  let daemon: Daemon;
  let peer: EvilPeer;
  // A minute apart, so 2,000 headers from regtest's genesis stay in the past of the daemon's clock.
  const headers = mineHeaders({ hash: params.genesisHash, time: genesisBlock(params).header.time }, 2_000, 0x207fffff, params.powLimit, 60);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powcoin-syncstate-'));
    peer = await EvilPeer.start(params, { height: 2_000, chainwork: 2n * 2_001n, tipHash: headers.at(-1)!.hash() });
    await peer.serveHeadersOnly(params, headers);
    daemon = await startDaemon(dir, ['--p2p-bind', '127.0.0.1', '--peer', peer.libp2p.getMultiaddrs()[0].toString()]);
  });
  after(async () => {
    if (daemon && daemon.proc.exitCode === null) daemon.proc.kill('SIGKILL');
    await peer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('getblockchaininfo: headers > blocks, initial block download, 0 < progress < 1, real size on disk', async () => {
    await waitFor(async () => (await daemon.call<ChainInfo>('getblockchaininfo')).headers === 2_000, 60_000, 'the headers stored');
    await waitFor(() => peer.blocksAsked > 0, 30_000, 'blocks asked for');
    const info = await daemon.call<ChainInfo>('getblockchaininfo');
    assert.equal(info.blocks, 0);
    assert.equal(info.headers, 2_000);
    assert.equal(info.initialblockdownload, true);
    assert.ok(info.verificationprogress > 0 && info.verificationprogress < 1, `progress ${info.verificationprogress}`);
    assert.ok(info.size_on_disk > 0, 'the chain directory has bytes');
  });

  test('getchaintips shows the headers-only branch; getblockheader answers for a header-only block', async () => {
    const tips = await daemon.call<Array<{ height: number; hash: string; status: string }>>('getchaintips');
    assert.deepEqual(
      tips.find((tip) => tip.height === 2_000),
      { height: 2_000, hash: headers.at(-1)!.hash(), branchlen: 2_000, status: 'headers-only' },
    );
    const header = await daemon.call<{ height: number; nTx: number; previousblockhash: string }>('getblockheader', [headers[999].hash()]);
    assert.equal(header.height, 1_000);
    assert.equal(header.nTx, 0);
    assert.equal(header.previousblockhash, headers[998].hash());
  });

  test('getsyncstate: headers, blocks, and the peer holding blocks in flight', async () => {
    const state = await daemon.call<{ headers: number; blocks: number; initialblockdownload: boolean; peers: Array<{ id: string; inFlight: number; bestHeight: number }> }>('getsyncstate');
    assert.equal(state.headers, 2_000);
    assert.equal(state.blocks, 0);
    assert.equal(state.initialblockdownload, true);
    const row = state.peers.find((p) => p.id === peer.id);
    assert.ok(row && row.bestHeight === 2_000, JSON.stringify(state.peers));
  });

  test('the header tree is persisted: after a restart without peers the headers are still known', async () => {
    daemon.proc.kill('SIGTERM');
    await daemon.exited;
    await peer.stop();
    daemon = await startDaemon(dir, ['--p2p-bind', '127.0.0.1']);
    const info = await daemon.call<ChainInfo>('getblockchaininfo');
    assert.equal(info.headers, 2_000);
    assert.equal(info.blocks, 0);
  });
});
