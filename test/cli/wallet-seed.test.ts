/**
 * The seed the user owns, through the real CLI and a real daemon: `powcoin wallet create` prints
 * the words once, `powcoin wallet mnemonic` shows them again (an encrypted wallet only with its
 * passphrase), `powcoin wallet restore` rebuilds the wallet from them (words on stdin).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '../node/daemon.js';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

function wallet(daemon: Daemon, args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = ['--import', 'tsx', MAIN, 'wallet', '--network', 'regtest', '--datadir', daemon.datadir, '--rpc-port', String(daemon.rpcPort), ...args];
  const child = spawn(process.execPath, argv, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

const wordsIn = (text: string) => text.split('\n').find((line) => line.split(' ').length === 24) ?? '';

describe('powcoin wallet create | mnemonic | restore', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  let words: string;
  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-seedcli-'));
    daemon = await startDaemon(datadir);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('the first start tells how to see the words, without printing them', async () => {
    assert.match(daemon.output(), /run 'powcoin wallet mnemonic' and write its 24 words down/);
    const words = await daemon.call<string>('dumpmnemonic');
    assert.equal(daemon.output().includes(words), false);
  });

  test('create prints 24 words once with the warning; mnemonic shows the same words', async () => {
    const created = await wallet(daemon, ['create', 'bob']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /anyone who reads them can spend its coins/);
    words = wordsIn(created.stdout);
    assert.equal(words.split(' ').length, 24);
    const shown = await wallet(daemon, ['--rpcwallet', 'bob', 'mnemonic']);
    assert.deepEqual(shown, { code: 0, stdout: `${words}\n`, stderr: '' });
  });

  test('an encrypted wallet shows its words only with the passphrase: -13 without, -14 wrong', async () => {
    const created = await wallet(daemon, ['create', 'carol', '--passphrase', 'carol pass']);
    assert.equal(created.code, 0, created.stderr);
    const carolWords = wordsIn(created.stdout);
    const without = await wallet(daemon, ['-rpcwallet=carol', 'mnemonic']);
    assert.equal(without.code, 13, without.stderr);
    const wrong = await wallet(daemon, ['-rpcwallet=carol', 'mnemonic', '--passphrase', 'nope']);
    assert.equal(wrong.code, 14, wrong.stderr);
    const right = await wallet(daemon, ['-rpcwallet=carol', 'mnemonic'], { env: { POWCOIN_WALLET_PASSPHRASE: 'carol pass' } });
    assert.deepEqual(right, { code: 0, stdout: `${carolWords}\n`, stderr: '' });
    const info = await daemon.client().call('listwallets');
    assert.deepEqual(info, ['', 'bob', 'carol']);
  });

  test('restore from words on stdin: the same seed, and a bad word list is refused (-8)', async () => {
    const restored = await wallet(daemon, ['restore', 'dave'], { stdin: `${words}\n` });
    assert.equal(restored.code, 0, restored.stderr);
    const shown = await wallet(daemon, ['--rpcwallet', 'dave', 'mnemonic']);
    assert.equal(shown.stdout, `${words}\n`);
    const bad = await wallet(daemon, ['restore', 'eve', 'not', 'a', 'mnemonic']);
    assert.equal(bad.code, 8, bad.stderr);
  });
});
