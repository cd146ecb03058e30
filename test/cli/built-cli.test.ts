/**
 * The installed command (bin/powcoin, compiled): rpc, wallet, --help and --version run from the
 * one-file client bundle alone, and node-side commands from the bundled ES modules (the compiled
 * ones only for worker threads and without the bundle).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltPackage, buildPackage, repoRoot } from '../helpers/built-package.js';
import { readDashboardUrl } from '../../src/dashboard/url-file.js';
import { fromHex } from '../../src/primitives/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { type CliResult, type Daemon, startDaemon } from '../node/daemon.js';
import { waitFor } from '../testnet/harness.js';

/** `node BIN ARGS`, or with `direct` the file itself as a shell runs it (through its shebang). */
function run(bin: string, args: string[], { direct = false, env = process.env }: { direct?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(direct ? bin : process.execPath, direct ? args : [bin, ...args], { env }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe('the built powcoin command', { timeout: 900_000 }, () => {
  let built: BuiltPackage;
  let datadir: string;
  let daemon: Daemon;
  before(async () => {
    built = buildPackage();
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-built-cli-'));
    daemon = await startDaemon(datadir);
    await daemon.call('generatetoaddress', [2, await daemon.call<string>('getnewaddress')]);
  });
  after(async () => {
    daemon.proc.kill('SIGTERM');
    await daemon.exited;
    await rm(datadir, { recursive: true, force: true });
    built.remove();
  });

  test('the client bundle holds none of the node stack', () => {
    const text = readFileSync(join(built.root, 'dist', 'src', 'cli', 'client.cjs'), 'utf8');
    for (const heavy of ['libp2p', 'fastify', 'classic-level', 'pino']) assert.ok(!text.includes(`node_modules/${heavy}`), heavy);
  });

  test('node-side commands run from the built package', async () => {
    const result = await run(built.bin, ['node', '--help']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: powcoin node \[options\]/);
    const unknown = await run(built.bin, ['bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'bogus'/);
  });

  test('run through its shebang, Node starts without NODE_EXTRA_CA_CERTS (no TLS in powcoin) and the call works', async () => {
    // A missing file makes Node warn at start-up whenever it loads the variable: the warning shows whether it did.
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(datadir, 'no-such-ca-file.pem') };
    const loaded = await run(built.bin, ['--version'], { env });
    assert.match(loaded.stderr, /Ignoring extra certs from/, 'node bin/powcoin: Node itself reads the variable');
    const rpc = ['rpc', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(daemon.rpcPort), 'getblockcount'];
    assert.deepEqual(await run(built.bin, rpc, { direct: true, env }), { code: 0, stdout: '2\n', stderr: '' });
    assert.deepEqual(await run(built.bin, rpc, { direct: true, env: { ...process.env, NODE_EXTRA_CA_CERTS: undefined } }), { code: 0, stdout: '2\n', stderr: '' });
  });

  test('the node runs from the bundle: wallet, signature and nonce workers, dashboard', async () => {
    // Without the compiled entry, node module and chain folder, only the bundle can start a node.
    rmSync(join(built.root, 'dist', 'src', 'cli', 'main.js'));
    rmSync(join(built.root, 'dist', 'src', 'cli', 'node.js'));
    renameSync(join(built.root, 'dist', 'src', 'chain'), join(built.root, 'dist', 'src', 'chain-moved'));
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-built-node-'));
    const node = await startDaemon(dir, ['--mine', '--mine-interval', '0', '--dashboard'], { bin: built.bin });
    try {
      const mined = await waitFor('the miner (nonce workers) to find blocks', async () => (await node.call<number>('getblockcount')) >= 1);
      assert.ok(mined);
      const address = await node.call<string>('getnewaddress');
      await node.call('generatetoaddress', [125, address]);
      // 950 coins take ≥ 19 coinbases of 50: a batch of signatures large enough for the signature workers.
      const txid = await node.call<string>('sendtoaddress', [address, 950]);
      const { hex } = await node.call<{ hex: string }>('gettransaction', [txid]);
      assert.ok(Transaction.decode(fromHex(hex)).inputs.length >= 19, 'the payment spends many coins');
      const dashboard = readDashboardUrl(node.networkDir);
      assert.ok(dashboard, 'the dashboard wrote its url');
      assert.equal((await fetch(dashboard)).status, 200, 'the dashboard serves its page (assets found)');
    } finally {
      node.proc.kill('SIGTERM');
      await node.exited;
      await rm(dir, { recursive: true, force: true });
      renameSync(join(built.root, 'dist', 'src', 'chain-moved'), join(built.root, 'dist', 'src', 'chain'));
    }
  });

  test('rpc, wallet, --help and --version need nothing but the bundle', async () => {
    // Without the compiled modules and node_modules, only the bundle can answer.
    for (const dir of ['rpc', 'node', 'p2p', 'wallet', 'params']) rmSync(join(built.root, 'dist', 'src', dir), { recursive: true });
    rmSync(join(built.root, 'dist', 'src', 'cli', 'main.js'), { force: true });
    rmSync(join(built.root, 'dist', 'src', 'cli', 'bundle'), { recursive: true });
    rmSync(join(built.root, 'node_modules'));
    const rpc = ['rpc', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(daemon.rpcPort)];
    const count = await run(built.bin, [...rpc, 'getblockcount']);
    assert.deepEqual(count, { code: 0, stdout: '2\n', stderr: '' });
    const unknown = await run(built.bin, [...rpc, 'nosuchmethod']);
    assert.equal(unknown.code, 32601 & 0xff, 'exit |code|, low 8 bits');
    assert.match(unknown.stderr, /Method not found/);
    const address = await run(built.bin, ['wallet', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(daemon.rpcPort), 'address']);
    assert.equal(address.code, 0, address.stderr);
    assert.equal((await daemon.call<{ ismine: boolean }>('getaddressinfo', [address.stdout.trim()])).ismine, true);
    const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(await run(built.bin, ['--version']), { code: 0, stdout: `powcoin ${version.version}\n`, stderr: '' });
    const help = await run(built.bin, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^powcoin — a peer-to-peer proof-of-work cryptocurrency node/);
  });
});
