/** The real daemon in a child process, driven through the real `powcoin rpc` command and over HTTP. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuthHeader, readCookie } from '../../src/rpc/auth.js';
import { type Daemon, powcoin, rpcArgs, startDaemon } from './daemon.js';

describe('the daemon end to end', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  let address: string;
  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-e2e-'));
    daemon = await startDaemon(datadir);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('the cookie authenticates `powcoin rpc`: 101 blocks to the wallet, getblockcount prints 101', async () => {
    const newAddress = await powcoin([...rpcArgs(daemon), 'getnewaddress']);
    assert.equal(newAddress.code, 0, newAddress.stderr);
    address = newAddress.stdout.trim();
    assert.match(address, /^pcrt1q/);
    const mined = await powcoin([...rpcArgs(daemon), 'generatetoaddress', '101', address]);
    assert.equal(mined.code, 0, mined.stderr);
    assert.equal(JSON.parse(mined.stdout).length, 101);
    const count = await powcoin([...rpcArgs(daemon), 'getblockcount']);
    assert.deepEqual(count, { code: 0, stdout: '101\n', stderr: '' });
    const balance = await powcoin([...rpcArgs(daemon), 'getbalance']);
    assert.equal(balance.stdout, '50.00000000\n');
  });

  test('over HTTP: malformed JSON -32700, unknown method -32601, wrong type -3, bad address -5', async () => {
    const post = async (body: string) => {
      const response = await fetch(`http://127.0.0.1:${daemon.rpcPort}/`, { method: 'POST', body, headers: { authorization: basicAuthHeader(readCookie(daemon.networkDir)) } });
      return (await response.json()) as { error: { code: number } | null };
    };
    assert.equal((await post('{oops')).error?.code, -32700);
    assert.equal((await post('{"id":1,"method":"nosuch"}')).error?.code, -32601);
    assert.equal((await post('{"id":1,"method":"getblockhash","params":["1"]}')).error?.code, -3);
    assert.equal((await post('{"id":1,"method":"sendtoaddress","params":["pcrt1bad",1]}')).error?.code, -5);
    const noAuth = await fetch(`http://127.0.0.1:${daemon.rpcPort}/`, { method: 'POST', body: '{}' });
    assert.equal(noAuth.status, 401);
  });

  test('the CLI reports RPC errors as bitcoin-cli: code, message, exit status |code|', async () => {
    const unknown = await powcoin([...rpcArgs(daemon), 'nosuch']);
    assert.equal(unknown.code, 32601 & 0xff);
    assert.equal(unknown.stderr, "error code: -32601\nerror message:\nMethod not found\n\nThe node has no such method; 'powcoin rpc help' lists them.\n");
    const poor = await powcoin([...rpcArgs(daemon), 'sendtoaddress', address, '1000']);
    assert.equal(poor.code, 6);
    assert.match(poor.stderr, /^error code: -6\n/);
    const wrongPassword = await powcoin([...rpcArgs(daemon), '--rpc-user', 'x', '--rpc-password', 'y', 'getblockcount']);
    assert.equal(wrongPassword.code, 1);
    assert.match(wrongPassword.stderr, /Authorization failed/);
  });

  test('a locked wallet answers -13; the wallet shortcuts work', async () => {
    const sent = await powcoin(['wallet', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(daemon.rpcPort), 'send', address, '1.5']);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal((await powcoin([...rpcArgs(daemon), 'encryptwallet', 'secret words'])).code, 0);
    const locked = await powcoin([...rpcArgs(daemon), 'sendtoaddress', address, '1']);
    assert.equal(locked.code, 13);
  });

  test('SIGTERM stops cleanly: exit 0 and the cookie removed', async () => {
    daemon.proc.kill('SIGTERM');
    assert.deepEqual(await daemon.exited, { code: 0, signal: null });
    assert.equal(existsSync(join(daemon.networkDir, '.cookie')), false);
    const unreachable = await powcoin([...rpcArgs(daemon), '--rpc-user', 'x', '--rpc-password', 'y', 'getblockcount']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /Could not connect to the server/);
  });

  test('kill -9 while mining loses nothing reported; the chain verifies after restart', async () => {
    daemon = await startDaemon(datadir, ['--mine', '--mine-interval', '0.02']);
    let reported = 0;
    // Three seconds of mining once the miner is seen to run (it starts after the wallet and p2p).
    const ceiling = Date.now() + 120_000;
    while (reported <= 101 && Date.now() < ceiling) reported = await daemon.call<number>('getblockcount');
    const until = Date.now() + 3000;
    while (Date.now() < until) reported = await daemon.call<number>('getblockcount');
    daemon.proc.kill('SIGKILL');
    await daemon.exited;
    assert.ok(reported > 101, `the miner made blocks (${reported})`);
    daemon = await startDaemon(datadir);
    assert.ok((await daemon.call<number>('getblockcount')) >= reported);
    assert.equal(await daemon.call('verifychain', [3, 0]), true);
    daemon.proc.kill('SIGTERM');
    assert.equal((await daemon.exited).code, 0);
  });
});
