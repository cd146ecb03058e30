/** `powcoin testnet`'s refusals and its pure parts, in process: no node is started. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testnetCommand } from '../../src/cli/testnet.js';
import { parseNetworkConfig, networks } from '../../src/params/index.js';
import { STATE_VERSION, type TestnetState } from '../../src/testnet/local-state.js';
import { LocalBackend, demoNetworkConfig, findNode, formatRate, formatStatus } from '../../src/testnet/testnet.js';
import { freeBasePort } from './harness.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await testnetCommand(argv, { out: (t) => (out += t), err: (t) => (err += t), env: {} });
  return { code, out, err };
}

function fakeState(dir: string, roles: Array<'seed' | 'miner' | 'wallet'>): TestnetState {
  return {
    version: STATE_VERSION,
    dir,
    createdAt: new Date(0).toISOString(),
    network: 'demo',
    rpcUser: 'testnet',
    rpcPassword: 'x',
    mineInterval: 0,
    basePort: 28700,
    nodes: roles.map((role, index) => ({
      name: `node${index}`,
      index,
      role,
      rpcPort: 28700 + 2 * index,
      p2pPort: 28701 + 2 * index,
      datadir: join(dir, `node${index}`),
      networkDir: join(dir, `node${index}`, 'demo'),
      log: join(dir, `node${index}`, 'node.log'),
      threads: 1,
      mine: role === 'miner',
    })),
  };
}

describe('powcoin testnet without nodes', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'powcoin-testnet-cli-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('the demo network: base test, a retarget every 20 blocks of 5 s, its own name, prefix and ports', () => {
    const params = parseNetworkConfig(JSON.parse(readFileSync(demoNetworkConfig(), 'utf8')), networks);
    assert.equal(params.name, 'demo');
    assert.equal(params.protocolName, 'demo');
    assert.equal(params.genesisHash, networks.test.genesisHash);
    assert.equal(params.powLimit, networks.test.powLimit);
    assert.deepEqual([params.retargetInterval, params.targetSpacing, params.targetTimespan, params.noRetargeting], [20, 5, 100, false]);
    assert.equal(params.coinbaseMaturity, 10);
    assert.equal(params.bech32Prefix, 'demo');
    assert.deepEqual([params.defaultRpcPort, params.defaultP2pPort], [28632, 28633]);
  });

  test('commands on a dir without a testnet say so, exit 1', async () => {
    for (const argv of [['status'], ['down'], ['pay', 'node1', 'node2', '1'], ['partition', 'node1'], ['heal', 'node1'], ['rpc', 'node0', 'getblockcount']]) {
      const dirArgs = argv[0] === 'rpc' ? ['rpc', '--dir', join(root, 'none'), ...argv.slice(1)] : [argv[0], '--dir', join(root, 'none'), ...argv.slice(1)];
      const result = await run(...dirArgs);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.err, /^powcoin testnet: no testnet in .*none \(no testnet\.json\); start one with 'powcoin testnet up --dir/);
    }
  });

  test('bad usage exits 2 with one line', async () => {
    assert.equal((await run()).code, 2);
    assert.equal((await run('--help')).code, 0);
    const unknown = await run('launch');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown testnet command 'launch'/);
    const nodes = await run('up', '--dir', join(root, 'a'), '--nodes', '0');
    assert.equal(nodes.code, 2);
    assert.match(nodes.err, /--nodes must be an integer from 1 to 50, got 0/);
    const miners = await run('up', '--dir', join(root, 'a'), '--nodes', '3', '--miners', '3');
    assert.match(miners.err, /--miners must be an integer from 0 to 2, got 3/);
    const main = await run('up', '--dir', join(root, 'a'), '--network', 'main');
    assert.match(main.err, /--network must be test or regtest/);
    const badFlag = await run('up', '--dir', join(root, 'a'), '--nodez', '3');
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.err, /Unknown option '--nodez'/);
    const pay = await run('pay', '--dir', join(root, 'a'), 'node1');
    assert.match(pay.err, /usage: powcoin testnet pay FROM TO AMOUNT/);
    assert.equal(existsSync(join(root, 'a')), false, 'nothing written');
  });

  test('a broken network definition is named with its field', async () => {
    const file = join(root, 'broken.json');
    writeFileSync(file, JSON.stringify({ base: 'regtest', name: 'x', retargetIntervall: 5 }));
    const result = await run('up', '--dir', join(root, 'b'), '--network-config', file);
    assert.equal(result.code, 2);
    assert.match(result.err, /network config .*broken\.json: network field 'retargetIntervall': unknown field/);
  });

  test('up refuses busy ports before writing anything', async () => {
    const base = await freeBasePort(8);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(base + 3, '127.0.0.1', resolve));
    try {
      const result = await run('up', '--dir', join(root, 'c'), '--base-port', String(base));
      assert.equal(result.code, 1);
      assert.match(result.err, new RegExp(`port ${base + 3} \\(node1 p2p\\) already in use on 127\\.0\\.0\\.1: .*--base-port`));
      assert.equal(existsSync(join(root, 'c')), false);
    } finally {
      server.close();
    }
  });

  test('up refuses a non-empty dir that holds no testnet', async () => {
    const dir = join(root, 'd');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const result = await run('up', '--dir', dir);
    assert.equal(result.code, 2);
    assert.match(result.err, /is not empty and holds no testnet/);
    assert.deepEqual(readdirSync(dir), ['keep.txt']);
  });

  test('nodes by name, index or a role only one node has', () => {
    const state = fakeState(root, ['seed', 'miner', 'miner', 'wallet']);
    assert.equal(findNode(state, 'node2').name, 'node2');
    assert.equal(findNode(state, '3').name, 'node3');
    assert.equal(findNode(state, 'seed').name, 'node0');
    assert.equal(findNode(state, 'wallet').name, 'node3');
    assert.throws(() => findNode(state, 'miner'), /no node 'miner' in this testnet \(several are miners\); nodes: node0 \(seed\), node1 \(miner\)/);
    assert.throws(() => findNode(state, 'node7'), /no node 'node7'/);
  });

  test('the status table: one row per node, stopped nodes shown as down', () => {
    const state = fakeState(root, ['seed', 'miner']);
    const text = formatStatus(new LocalBackend(state), [
      { name: 'node0', role: 'seed', id: '10', running: true, isolated: false, height: 42, tip: 'ab'.repeat(32), difficulty: 0.000244140625, peers: 1, hashrate: 0, networkHashps: 2_500_000, mempool: 3, forks: 1, balance: 0, immature: 0 },
      { name: 'node1', role: 'miner', id: '11', running: false, isolated: true },
    ]);
    const lines = text.split('\n');
    assert.match(lines[0], /network demo\): all running nodes on one tip$/);
    assert.match(lines[1], /^node\s+role\s+pid\s+height\s+tip\s+peers\s+hashrate\s+net hash\/s\s+difficulty\s+mempool\s+forks\s+balance\s+immature$/);
    assert.match(lines[2], /^node0\s+seed\s+10\s+42\s+abababababab\s+1\s+-\s+2\.5 MH\/s\s+0\.000244\s+3\s+1\s+0\.0000\s+0\.0000$/);
    assert.match(lines[3], /^node1\s+miner \(isolated\)\s+11\s+down$/);
    assert.deepEqual([formatRate(0), formatRate(999), formatRate(4_690_000), formatRate(123_456_789)], ['0 H/s', '999 H/s', '4.7 MH/s', '123 MH/s']);
  });
});
