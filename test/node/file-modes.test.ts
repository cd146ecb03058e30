/**
 * Keys nobody else can read: a real daemon started under umask 000 still makes its data dir and
 * every folder in it 0700 and every file 0600, LevelDB's own files (logs, tables, LOCK,
 * MANIFEST) included, while running and after it stops.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './daemon.js';

/** Every path under `root` (itself included) whose permission bits are not 0700 (dirs) / 0600 (files). */
function looseModes(root: string): string[] {
  const loose: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat) return; // removed while we walked (a LevelDB compaction)
    const mode = stat.mode & 0o777;
    if (stat.isDirectory()) {
      if (mode !== 0o700) loose.push(`${path} dir ${mode.toString(8)}`);
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) visit(join(path, name));
    } else if (mode !== 0o600) loose.push(`${path} file ${mode.toString(8)}`);
  };
  visit(root);
  return loose;
}

function countFiles(root: string): number {
  let count = 0;
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) if (entry.isFile()) count++;
  return count;
}

describe('file modes under umask 000', { timeout: 900_000 }, () => {
  let base: string;
  let datadir: string;
  let daemon: Daemon;
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'powcoin-modes-'));
    datadir = join(base, 'data');
    daemon = await startDaemon(datadir, [], { umask: '000' });
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(base, { recursive: true, force: true });
  });

  test('while running, after wallet writes, mining, a second wallet and encryptwallet: dirs 0700, files 0600', async () => {
    const address = await daemon.call<string>('getnewaddress');
    await daemon.call('generatetoaddress', [3, address]);
    await daemon.call('encryptwallet', ['a passphrase']);
    await daemon.call('createwallet', ['second', false, false, 'another passphrase']);
    assert.ok(countFiles(datadir) >= 10, 'the daemon wrote its stores');
    assert.deepEqual(looseModes(datadir), []);
  });

  test('after a clean stop: still nothing readable by others', async () => {
    await daemon.call('stop');
    assert.deepEqual(await daemon.exited, { code: 0, signal: null });
    assert.deepEqual(looseModes(datadir), []);
  });
});
