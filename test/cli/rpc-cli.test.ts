/** `powcoin rpc` through the real CLI against a real daemon: help with arguments, clear errors, --rpcwait, the data-dir config. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP } from '../../src/rpc/help/index.js';
import { methodHelpText, shellWord } from '../../src/rpc/help/render.js';
import { methodTable } from '../../src/rpc/methods/index.js';
import { parseCliArg } from '../../src/cli/rpc.js';
import { type Daemon, freePort, powcoin, rpcArgs, startDaemon } from '../node/daemon.js';

describe('help <method> from the help table', () => {
  const table = methodTable();

  test('every method has an entry whose arguments are the method’s own, with an example', () => {
    const missing = [...table.keys()].filter((name) => !Object.prototype.hasOwnProperty.call(HELP, name));
    assert.deepEqual(missing, [], 'add an entry in src/rpc/help/<group>.ts');
    for (const [name, entry] of Object.entries(HELP)) {
      const method = table.get(name);
      assert.ok(method, `help entry ${name} names no method`);
      assert.deepEqual(Object.keys(entry.args ?? {}), method.args.map((a) => a.name), `${name}: documented arguments`);
      assert.ok(entry.examples.length > 0, `${name}: an example`);
      for (const example of entry.examples) assert.ok(example.length <= method.args.length, `${name}: example has too many params`);
    }
  });

  test('a method without an entry still gets usage, its argument names and an example', () => {
    const text = methodHelpText({ name: 'newmethod', group: 'util', args: [{ name: 'first', required: true }, { name: 'second' }], summary: 'Does a new thing.', run: () => null }, undefined);
    assert.match(text, /^newmethod "first" \( second \)\n\nDoes a new thing\./);
    assert.match(text, /1\. first\s+\(see docs\/rpc\.md, required\)/);
    assert.match(text, /> powcoin rpc newmethod first/);
  });

  test('examples are shell words the CLI reads back as the same params', () => {
    for (const value of ['abc', '1', 'true', 'two words', 5, true, { rules: ['segwit'] }, ['x']]) {
      const word = shellWord(value);
      const unquoted = word.startsWith("'") ? word.slice(1, -1).replace(/'\\''/g, "'") : word;
      assert.deepEqual(parseCliArg(unquoted), value, word);
    }
  });
});

describe('powcoin rpc against a daemon', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-rpc-cli-'));
    daemon = await startDaemon(datadir);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('help getblock shows arguments, result and examples as Core', async () => {
    const result = await powcoin([...rpcArgs(daemon), 'help', 'getblock']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^getblock "blockhash" \( verbosity \)/);
    assert.match(result.stdout, /Arguments:\n1\. blockhash\s+\(string, required\) The block hash\n2\. verbosity\s+\(numeric, optional\)/);
    assert.match(result.stdout, /Examples:\n> powcoin rpc getblock [0-9a-f]{64}\n> curl --user myusername --data-binary '\{"jsonrpc":"1\.0"/);
  });

  test('the three failures say what they are: method unknown, credentials wrong, no cookie where we looked', async () => {
    const unknown = await powcoin([...rpcArgs(daemon), 'getblok']);
    assert.match(unknown.stderr, /Method not found\n\nThe node has no such method; 'powcoin rpc help' lists them/);
    const wrong = await powcoin([...rpcArgs(daemon), '--rpc-user', 'x', '--rpc-password', 'y', 'getblockcount']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Authorization failed: Incorrect rpcuser or rpcpassword\nThe credentials are wrong/);
    const elsewhere = await powcoin(['rpc', '--network', 'regtest', '--datadir', join(datadir, 'nowhere'), '--rpc-port', String(daemon.rpcPort), 'getblockcount']);
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /Could not locate RPC credentials.*\nA node answers at 127\.0\.0\.1:\d+/);
  });

  test('the port and credentials come from <datadir>/<network>/powcoin.conf', async () => {
    await writeFile(join(daemon.networkDir, 'powcoin.conf'), `# the CLI reads this\nrpcport=${daemon.rpcPort}\n`);
    const count = await powcoin(['rpc', '--network', 'regtest', '--datadir', datadir, 'getblockcount']);
    assert.deepEqual(count, { code: 0, stdout: '0\n', stderr: '' });
  });

  test('a node that is down: "is the node running?", and --rpcwait waits for one to start', async () => {
    await daemon.call('stop');
    await daemon.exited;
    const down = await powcoin([...rpcArgs(daemon), 'getblockcount']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /Could not connect to the server 127\.0\.0\.1:\d+ — is the node running\?/);
    const timedOut = await powcoin([...rpcArgs(daemon), '-rpcwait', '-rpcwaittimeout=1', 'getblockcount']);
    assert.match(timedOut.stderr, /is the node running/);
    // Start the waiting call first, then the node on the same ports: the call answers once the node is up.
    const rpcPort = daemon.rpcPort;
    const waiting = powcoin(['rpc', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(rpcPort), '--rpcwait', 'getblockcount']);
    daemon = await startDaemon(datadir, ['--rpc-port', String(rpcPort), '--p2p-port', String(await freePort())]);
    assert.deepEqual(await waiting, { code: 0, stdout: '0\n', stderr: '' });
  });
});
