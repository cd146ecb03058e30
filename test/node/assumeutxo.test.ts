/**
 * assumeutxo with real daemons: node A mines and dumps its UTXO set; node B, on a network whose
 * assumeutxo table vouches for that snapshot, learns the headers (submitheader), refuses every
 * bad snapshot with Core's errors, loads the good one, survives restarts, kill -9 while loading,
 * and then syncs A's later blocks over p2p until both UTXO sets hash the same.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../testnet/harness.js';
import { type Daemon, startDaemon } from './daemon.js';

interface Dump {
  coins_written: number;
  base_hash: string;
  base_height: number;
  path: string;
  txoutset_hash: string;
  nchaintx: number;
}

interface UtxoInfo {
  height: number;
  bestblock: string;
  txouts: number;
  hash_serialized_3: string;
}

/** The RPC error a call fails with (the test fails if it succeeds). */
async function rpcError(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (err) {
    return err as { code: number; message: string };
  }
  throw new Error('the call was expected to fail');
}

async function stop(daemon: Daemon): Promise<void> {
  if (daemon.proc.exitCode !== null || daemon.proc.signalCode !== null) return;
  daemon.proc.kill('SIGTERM');
  await daemon.exited;
}

describe('loadtxoutset: a snapshot from node A loaded by node B', { timeout: 900_000 }, () => {
  let dirs: string[];
  let a: Daemon;
  let b: Daemon;
  let dump: Dump;
  let networkConfig: string;
  let snapshot: Buffer;
  const badPath = (name: string): string => join(dirs[2], name);
  const startB = (extra: string[] = []): Promise<Daemon> => startDaemon(dirs[1], ['--network-config', networkConfig, ...extra]);

  before(async () => {
    dirs = await Promise.all(['a', 'b', 'files'].map((n) => mkdtemp(join(tmpdir(), `powcoin-assumeutxo-${n}-`))));
    a = await startDaemon(dirs[0]);
    const address = await a.call<string>('getnewaddress');
    await a.call('generatetoaddress', [101, address]);
    // A spend, so the set holds more than coinbases: change and a payment in one transaction.
    await a.call('sendtoaddress', [await a.call<string>('getnewaddress'), 12.5]);
    await a.call('generatetoaddress', [2, address]);
    dump = await a.call<Dump>('dumptxoutset', ['snapshot.dat']);
    snapshot = readFileSync(dump.path);
    networkConfig = join(dirs[2], 'network.json');
    const entry = { blockHash: dump.base_hash, txoutsetHash: dump.txoutset_hash, chainTxCount: dump.nchaintx };
    writeFileSync(networkConfig, JSON.stringify({ base: 'regtest', assumeutxo: { [dump.base_height]: entry } }));
    b = await startB();
  });
  after(async () => {
    for (const daemon of [a, b]) if (daemon && daemon.proc.exitCode === null) daemon.proc.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('the dump is in Core’s format: magic, version 2, network, base hash, coin count', () => {
    assert.deepEqual([...snapshot.subarray(0, 5)], [0x75, 0x74, 0x78, 0x6f, 0xff]);
    assert.equal(snapshot.readUInt16LE(5), 2);
    assert.equal(Buffer.from(snapshot.subarray(11, 43)).reverse().toString('hex'), dump.base_hash);
    assert.equal(Number(snapshot.readBigUInt64LE(43)), dump.coins_written);
    assert.ok(dump.coins_written > 100, `${dump.coins_written} coins`);
  });

  test('bad parameters: none, a number, a file that is not there', async () => {
    assert.equal((await rpcError(b.call('loadtxoutset', []))).code, -1);
    assert.equal((await rpcError(b.call('loadtxoutset', [5]))).code, -3);
    const missing = await rpcError(b.call('loadtxoutset', [badPath('absent.dat')]));
    assert.deepEqual([missing.code, missing.message], [-8, `Couldn't open file ${badPath('absent.dat')} for reading.`]);
    const directory = await rpcError(b.call('loadtxoutset', [dirs[2]]));
    assert.equal(directory.code, -8);
  });

  test('refused before the base header is known', async () => {
    const err = await rpcError(b.call('loadtxoutset', [dump.path]));
    assert.equal(err.code, -32603);
    assert.equal(err.message, `Unable to load UTXO snapshot: The base block header (${dump.base_hash}) must appear in the headers chain. Make sure all headers are syncing, and call loadtxoutset again. (${dump.path})`);
  });

  test('B learns the headers (not the blocks) from A', async () => {
    for (let height = 1; height <= dump.base_height; height++) {
      const hash = await a.call<string>('getblockhash', [height]);
      assert.equal(await b.call('submitheader', [await a.call<string>('getblockheader', [hash, false])]), null);
    }
    const info = await b.call<{ blocks: number; headers: number }>('getblockchaininfo');
    assert.deepEqual([info.blocks, info.headers], [0, dump.base_height]);
  });

  test('refusals: unknown base, bad magic, wrong network, truncated, coin count off by one, altered coin', async () => {
    const write = (name: string, bytes: Buffer): string => {
      writeFileSync(badPath(name), bytes);
      return badPath(name);
    };
    const otherBase = Buffer.from(snapshot);
    Buffer.from(await a.call<string>('getblockhash', [dump.base_height - 1]), 'hex').reverse().copy(otherBase, 11);
    const unknown = await rpcError(b.call('loadtxoutset', [write('other-base.dat', otherBase)]));
    assert.equal(unknown.code, -32603);
    assert.match(unknown.message, /^Unable to load UTXO snapshot: assumeutxo block hash in snapshot metadata not recognized \(hash: [0-9a-f]{64}\)\. The following snapshot heights are available: \d+\./);

    const magic = Buffer.from(snapshot);
    magic[0] = 0x55;
    const badMagic = await rpcError(b.call('loadtxoutset', [write('magic.dat', magic)]));
    assert.equal(badMagic.code, -22);
    assert.match(badMagic.message, /^Unable to parse metadata: Invalid UTXO set snapshot magic bytes/);

    const network = Buffer.from(snapshot);
    network[7] ^= 0xff;
    const wrongNetwork = await rpcError(b.call('loadtxoutset', [write('network.dat', network)]));
    assert.equal(wrongNetwork.code, -22);
    assert.match(wrongNetwork.message, /The network of the snapshot \([0-9a-f]{8}\) does not match the network of this node/);

    const truncated = await rpcError(b.call('loadtxoutset', [write('truncated.dat', snapshot.subarray(0, snapshot.length - 10))]));
    assert.equal(truncated.code, -32603);
    assert.match(truncated.message, /Population failed: Bad snapshot format or truncated snapshot after deserializing \d+ coins\./);

    const more = Buffer.from(snapshot);
    more.writeBigUInt64LE(BigInt(dump.coins_written + 1), 43);
    const tooMany = await rpcError(b.call('loadtxoutset', [write('count-plus.dat', more)]));
    assert.match(tooMany.message, new RegExp(`Bad snapshot format or truncated snapshot after deserializing ${dump.coins_written} coins\\.`));

    const fewer = Buffer.from(snapshot);
    fewer.writeBigUInt64LE(BigInt(dump.coins_written - 1), 43);
    const leftOver = await rpcError(b.call('loadtxoutset', [write('count-minus.dat', fewer)]));
    assert.match(leftOver.message, /Bad snapshot - coins left over after deserializing \d+ coins\./);

    // The last byte is the end of the last coin's script: same shape, other content.
    const altered = Buffer.from(snapshot);
    altered[altered.length - 1] ^= 0x01;
    const hash = await rpcError(b.call('loadtxoutset', [write('altered.dat', altered)]));
    assert.equal(hash.code, -32603);
    assert.match(hash.message, new RegExp(`Population failed: Bad snapshot content hash: expected ${dump.txoutset_hash}, got [0-9a-f]{64}\\.`));

    // None of it left a trace: B is still at genesis with an empty UTXO set.
    const utxos = await b.call<UtxoInfo>('gettxoutsetinfo');
    assert.deepEqual([utxos.height, utxos.txouts], [0, 0]);
    const states = await b.call<{ chainstates: Array<{ validated: boolean; snapshot_blockhash?: string }> }>('getchainstates');
    assert.deepEqual(states.chainstates.map((s) => [s.validated, s.snapshot_blockhash]), [[true, undefined]]);
  });

  test('kill -9 while loading: B restarts either without the snapshot or with all of it', async () => {
    for (let round = 0; round < 4; round++) {
      const call = b.call('loadtxoutset', [dump.path]).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, round * 15));
      b.proc.kill('SIGKILL');
      await b.exited;
      await call;
      b = await startB();
      const utxos = await b.call<UtxoInfo>('gettxoutsetinfo');
      if (utxos.height === 0) assert.equal(utxos.txouts, 0, `round ${round}: no snapshot, no coins`);
      else {
        assert.deepEqual([utxos.height, utxos.bestblock, utxos.hash_serialized_3], [dump.base_height, dump.base_hash, dump.txoutset_hash], `round ${round}: the whole snapshot`);
        return;
      }
    }
  });

  test('B loads the snapshot: its tip is the base and its UTXO set hashes as A’s did', async () => {
    const states0 = await b.call<{ chainstates: Array<{ snapshot_blockhash?: string }> }>('getchainstates');
    if (states0.chainstates[0].snapshot_blockhash === undefined) {
      const loaded = await b.call('loadtxoutset', [dump.path]);
      assert.deepEqual(loaded, { coins_loaded: dump.coins_written, tip_hash: dump.base_hash, base_height: dump.base_height, path: dump.path });
    }
    const utxos = await b.call<UtxoInfo>('gettxoutsetinfo');
    assert.deepEqual([utxos.height, utxos.bestblock, utxos.txouts, utxos.hash_serialized_3], [dump.base_height, dump.base_hash, dump.coins_written, dump.txoutset_hash]);
    const states = await b.call<{ headers: number; chainstates: Array<{ blocks: number; bestblockhash: string; snapshot_blockhash?: string; validated: boolean }> }>('getchainstates');
    assert.equal(states.chainstates.length, 1);
    assert.deepEqual(states.chainstates[0].snapshot_blockhash, dump.base_hash);
    assert.equal(states.chainstates[0].validated, false);
    assert.equal(states.chainstates[0].blocks, dump.base_height);
    const again = await rpcError(b.call('loadtxoutset', [dump.path]));
    assert.equal(again.message, `Unable to load UTXO snapshot: Can't activate a snapshot-based chainstate more than once. (${dump.path})`);
  });

  test('a node whose chain already has the base refuses: work does not exceed active chainstate', async () => {
    await stop(a);
    a = await startDaemon(dirs[0], ['--network-config', networkConfig]);
    const err = await rpcError(a.call('loadtxoutset', [dump.path]));
    assert.equal(err.message, `Unable to load UTXO snapshot: work does not exceed active chainstate. (${dump.path})`);
  });

  test('after a restart B syncs A’s later blocks over p2p and both UTXO sets hash the same', async () => {
    const address = await a.call<string>('getnewaddress');
    await a.call('sendtoaddress', [await a.call<string>('getnewaddress'), 3]);
    await a.call('generatetoaddress', [5, address]);
    const info = await a.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo');
    await stop(b);
    b = await startB(['--peer', info.localaddresses[0].address]);
    const target = await a.call<number>('getblockcount');
    await waitFor('B to sync A’s blocks after the base', async () => (await b.call<number>('getblockcount')) === target, 180_000);
    const [ua, ub] = await Promise.all([a.call<UtxoInfo>('gettxoutsetinfo'), b.call<UtxoInfo>('gettxoutsetinfo')]);
    assert.deepEqual([ub.bestblock, ub.txouts, ub.hash_serialized_3], [ua.bestblock, ua.txouts, ua.hash_serialized_3]);
    assert.equal(ub.height, dump.base_height + 5);
    // A block B validated itself is served from its own store; the base's ancestors are not there.
    assert.equal((await b.call<{ height: number }>('getblock', [ub.bestblock])).height, ub.height);
  });
});
