import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { OptionsError, defaultConfigDir, loadNodeOptions } from '../../src/node/options.js';
import { networks } from '../../src/params/index.js';
import { p2pOptions } from '../../src/node/p2p-options.js';
import { maxInbound, resolveP2POptions } from '../../src/p2p/options.js';

describe('node options', () => {
  test('config/<network>.json is the one place for defaults, and agrees with the network ports', async () => {
    for (const name of ['main', 'test', 'regtest'] as const) {
      const json = JSON.parse(await readFile(join(defaultConfigDir(), `${name}.json`), 'utf8'));
      assert.equal(json['rpc-port'], networks[name].defaultRpcPort, name);
      assert.equal(json['p2p-port'], networks[name].defaultP2pPort, name);
      const options = loadNodeOptions({ argv: ['--network', name], env: {} });
      assert.equal(options.rpcPort, networks[name].defaultRpcPort);
      assert.equal(options.networkDir, join(homedir(), '.powcoin', name));
      assert.equal(options.rpcBind, '127.0.0.1');
    }
  });

  test('priority: defaults < config file < environment < flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-options-'));
    try {
      const file = join(dir, 'node.json');
      await writeFile(file, JSON.stringify({ '// rpc-port': 'comments are keys starting with //', network: 'regtest', 'rpc-port': 1001, 'p2p-port': 1002, threads: 3, 'log-level': 'debug' }));
      const env = { POWCOIN_CONFIG: file, POWCOIN_RPC_PORT: '2001', POWCOIN_THREADS: '4', POWCOIN_PEER: '/ip4/1.2.3.4/tcp/1/p2p/a,/ip4/5.6.7.8/tcp/2/p2p/b' };
      const options = loadNodeOptions({ argv: ['--threads', '5', '--datadir', dir, '--mine'], env });
      assert.equal(options.params.name, 'regtest');
      assert.equal(options.p2pPort, 1002, 'from the file');
      assert.equal(options.rpcPort, 2001, 'the environment beats the file');
      assert.equal(options.threads, 5, 'flags beat the environment');
      assert.equal(options.logLevel, 'debug');
      assert.equal(options.mine, true);
      assert.deepEqual(options.peers, ['/ip4/1.2.3.4/tcp/1/p2p/a', '/ip4/5.6.7.8/tcp/2/p2p/b']);
      assert.equal(options.networkDir, join(dir, 'regtest'));
      assert.equal(options.mineInterval, 1, 'regtest paces its miner');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('p2p flags: --connect, --seed, --listen=0, --discover=0, slots, intervals', () => {
    const defaults = loadNodeOptions({ argv: ['--network', 'regtest'], env: {} });
    const d = resolveP2POptions(p2pOptions(defaults), networks.regtest);
    assert.deepEqual([d.maxOutbound, d.blockRelayOnly, d.maxConnections, d.discover, d.listen.length], [8, 2, 125, true, 1]);
    assert.equal(maxInbound(d), 125 - 8 - 2 - 1, "Core's nMaxInbound");
    const seed = '/ip4/10.0.0.1/tcp/18733/p2p/12D3KooWA';
    const options = loadNodeOptions({
      argv: ['--network', 'regtest', '--connect', seed, '--seed', seed, '--listen=0', '--discover=false', '--max-outbound', '3', '--block-relay-only', '1', '--announce-interval', '5', '--feeler-interval', '7'],
      env: {},
    });
    const p2p = resolveP2POptions(p2pOptions(options), networks.regtest);
    assert.deepEqual(p2p.connect, [seed]);
    assert.deepEqual(p2p.seeds, [seed]);
    assert.deepEqual(p2p.listen, [], '--listen=0: no listening socket');
    assert.equal(maxInbound(p2p), 0);
    assert.equal(p2p.discover, false);
    assert.deepEqual([p2p.maxOutbound, p2p.blockRelayOnly, p2p.announceIntervalMs, p2p.feelerIntervalMs], [3, 1, 5_000, 7_000]);
    assert.throws(() => loadNodeOptions({ argv: ['--listen=maybe'], env: {} }), OptionsError);
  });

  test('a custom network from --network-config keeps its own ports and name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-options-'));
    try {
      const file = join(dir, 'demo.json');
      await writeFile(file, JSON.stringify({ base: 'regtest', name: 'demo', defaultRpcPort: 4000, defaultP2pPort: 4001 }));
      const options = loadNodeOptions({ argv: ['--network-config', file, '--datadir', dir], env: {} });
      assert.equal(options.params.name, 'demo');
      assert.equal(options.rpcPort, 4000);
      assert.equal(options.networkDir, join(dir, 'demo'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('clear errors for wrong flags, values and config keys', async () => {
    const fails = (argv: string[], env: NodeJS.ProcessEnv, pattern: RegExp) => assert.throws(() => loadNodeOptions({ argv, env }), (err: Error) => err instanceof OptionsError && pattern.test(err.message));
    fails(['--rpc-prot', '1'], {}, /Unknown option '--rpc-prot'/);
    fails(['--rpc-port', 'abc'], {}, /--rpc-port needs a port/);
    fails(['--network', 'bitcoin'], {}, /--network must be main, test or regtest/);
    fails([], { POWCOIN_THREADS: '-1' }, /environment: --threads needs a non-negative integer/);
    fails(['--log-level', 'loud'], {}, /--log-level needs trace\|debug/);
    fails(['--rpc-user', 'u'], {}, /--rpc-user and --rpc-password go together/);
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-options-'));
    try {
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ 'rpc-prot': 1 }));
      fails(['--config', join(dir, 'bad.json')], {}, /unknown option 'rpc-prot' in config file/);
      fails(['--config', join(dir, 'missing.json')], {}, /cannot read config file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('--minimum-chain-work overrides the network minimum (hex, with or without 0x)', () => {
    assert.equal(loadNodeOptions({ argv: ['--network', 'regtest'], env: {} }).minimumChainWork, undefined);
    assert.equal(loadNodeOptions({ argv: ['--network', 'regtest', '--minimum-chain-work', '0x1f40'], env: {} }).minimumChainWork, 8000n);
    assert.equal(loadNodeOptions({ argv: [], env: { POWCOIN_MINIMUM_CHAIN_WORK: 'ff' } }).minimumChainWork, 255n);
    assert.throws(() => loadNodeOptions({ argv: ['--minimum-chain-work', 'lots'], env: {} }), (err: Error) => err instanceof OptionsError && /--minimum-chain-work needs a hex number/.test(err.message));
  });

  test('the annotated example config loads', () => {
    const options = loadNodeOptions({ argv: ['--config', join(defaultConfigDir(), 'powcoin.example.json')], env: {} });
    assert.equal(options.params.name, 'regtest');
  });
});
