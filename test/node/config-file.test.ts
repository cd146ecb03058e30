import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionsError, loadNodeOptions } from '../../src/node/options.js';
import { parseConf } from '../../src/node/config-file.js';

async function withDatadir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'powcoin-conf-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('data-dir config files (powcoin.conf, powcoin.json)', () => {
  test('Core-style key=value: comments, Core names, sections, dotted keys, repeated list keys', () => {
    const parsed = parseConf(['# a comment', 'chain=regtest', 'rpcport=1234  # trailing', 'addnode=/ip4/1.1.1.1/tcp/1/p2p/a', 'addnode=/ip4/2.2.2.2/tcp/2/p2p/b', 'listen', '[test]', 'rpcport=999', 'regtest.threads=3'].join('\n'), 'x.conf');
    assert.equal(parsed.network, 'regtest');
    assert.deepEqual(parsed.top, { 'rpc-port': '1234', peer: ['/ip4/1.1.1.1/tcp/1/p2p/a', '/ip4/2.2.2.2/tcp/2/p2p/b'], listen: '1' });
    assert.deepEqual(parsed.sections, { test: { 'rpc-port': '999' }, regtest: { threads: '3' } });
  });

  test('<datadir>/<network>/powcoin.conf is read: the CLI finds the port and credentials without flags', () =>
    withDatadir(async (dir) => {
      await mkdir(join(dir, 'regtest'));
      await writeFile(join(dir, 'regtest', 'powcoin.conf'), 'rpcport=4567\nrpcuser=alice\nrpcpassword=secret\n');
      const options = loadNodeOptions({ argv: ['--network', 'regtest', '--datadir', dir], env: {} });
      assert.deepEqual([options.rpcPort, options.rpcUser, options.rpcPassword], [4567, 'alice', 'secret']);
      const main = loadNodeOptions({ argv: ['--network', 'main', '--datadir', dir], env: {} });
      assert.equal(main.rpcPort, 8632, "another network's file does not apply");
      assert.equal(loadNodeOptions({ argv: ['--network', 'regtest', '--datadir', dir, '--rpc-port', '1'], env: {} }).rpcPort, 1, 'flags win');
    }));

  test('<datadir>/powcoin.conf names the network and has per-network sections; powcoin.json beats it', () =>
    withDatadir(async (dir) => {
      await writeFile(join(dir, 'powcoin.conf'), 'regtest=1\nthreads=2\n[regtest]\nrpcport=3333\n[main]\nrpcport=4444\n');
      const options = loadNodeOptions({ argv: ['--datadir', dir], env: {} });
      assert.equal(options.params.name, 'regtest');
      assert.deepEqual([options.rpcPort, options.threads], [3333, 2]);
      await mkdir(join(dir, 'regtest'));
      await writeFile(join(dir, 'regtest', 'powcoin.json'), JSON.stringify({ '//': 'comment', 'rpc-port': 5555 }));
      assert.equal(loadNodeOptions({ argv: ['--datadir', dir], env: {} }).rpcPort, 5555);
      assert.equal(loadNodeOptions({ argv: ['--datadir', dir], env: { POWCOIN_RPC_PORT: '6666' } }).rpcPort, 6666, 'the environment beats the data-dir files');
    }));

  test('mistakes are one typed line naming the file and line', () =>
    withDatadir(async (dir) => {
      await writeFile(join(dir, 'powcoin.conf'), 'regtest=1\nrpcprot=1\n');
      assert.throws(() => loadNodeOptions({ argv: ['--datadir', dir], env: {} }), (err: unknown) => err instanceof OptionsError && /powcoin\.conf:2: unknown option 'rpcprot'/.test(err.message));
      await writeFile(join(dir, 'powcoin.conf'), 'datadir=/elsewhere\n');
      assert.throws(() => loadNodeOptions({ argv: ['--datadir', dir], env: {} }), /cannot be set in a data-dir config file/);
      await writeFile(join(dir, 'powcoin.conf'), 'regtest=1\nrpcport=notaport\n');
      assert.throws(() => loadNodeOptions({ argv: ['--datadir', dir], env: {} }), (err: unknown) => err instanceof OptionsError && /rpc-port needs a port/.test(err.message));
    }));

  test('--log-file and --pid-file resolve relative to <datadir>/<network>', () =>
    withDatadir(async (dir) => {
      const options = loadNodeOptions({ argv: ['--network', 'regtest', '--datadir', dir, '--log-file', 'debug.log', '--pid-file', '/run/powcoin.pid'], env: {} });
      assert.equal(options.logFile, join(dir, 'regtest', 'debug.log'));
      assert.equal(options.pidFile, '/run/powcoin.pid');
    }));
});
