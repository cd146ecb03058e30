import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ChainStore, LOCK_FILE_NAME, readLockHolder } from '../../src/store/index.js';
import { coin, fakeHash, outpoint, testParams, withTempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const fixture = join(here, 'fixtures', 'store-child.ts');
const params = testParams();

interface ChildReport {
  pid: number;
  ok: boolean;
  code?: string;
  message?: string;
}

function spawnChild(mode: 'hold' | 'try', dir: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fixture, mode, dir], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
}

async function firstReport(child: ChildProcess): Promise<ChildReport> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) return JSON.parse(line) as ChildReport;
  throw new Error('child exited without a report');
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await exited(child);
  assert.ok(child.pid);
  return child.pid;
}

function lockFilePid(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')) as { pid: number }).pid;
}

describe('one process at a time', () => {
  it('a second process is refused while this one holds the store; our data stays intact', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        await store.batch().addCoin(outpoint(1), coin(1)).setTip(fakeHash(1)).write();
        const child = spawnChild('try', dir);
        const report = await firstReport(child);
        await exited(child);
        assert.equal(report.ok, false);
        assert.equal(report.code, 'locked');
        assert.match(report.message ?? '', new RegExp(`process ${process.pid}`));

        assert.deepEqual(await store.getCoin(outpoint(1)), coin(1));
        await store.batch().addCoin(outpoint(2), coin(2)).write();
        assert.deepEqual(await store.getTip(), fakeHash(1));
        assert.equal(lockFilePid(dir), process.pid);
      } finally {
        await store.close();
      }
      assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false, 'close removes the lock file');
    });
  });

  it('this process is refused while another holds it, and takes over once that one is killed', async () => {
    await withTempDir(async (dir) => {
      const child = spawnChild('hold', dir);
      try {
        const ready = await firstReport(child);
        assert.equal(ready.ok, true);
        await assert.rejects(ChainStore.open(dir, params), (err: Error & { code?: string }) => {
          assert.equal(err.code, 'locked');
          assert.match(err.message, new RegExp(`process ${ready.pid}`));
          return true;
        });
        assert.deepEqual(readLockHolder(dir), { pid: ready.pid, alive: true });
        child.kill('SIGKILL'); // no close(): the lock file stays behind, stale
        await exited(child);
        assert.equal(lockFilePid(dir), ready.pid);

        const store = await ChainStore.open(dir, params);
        assert.equal(lockFilePid(dir), process.pid);
        assert.deepEqual(await store.getCoin(outpoint(77)), coin(77));
        assert.deepEqual(await store.getTip(), fakeHash(77));
        await store.close();
      } finally {
        child.kill('SIGKILL');
      }
    });
  });

  it('a second process can open once the first has closed', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      await store.close();
      const child = spawnChild('try', dir);
      const report = await firstReport(child);
      await exited(child);
      assert.equal(report.ok, true, report.message);
    });
  });

  it('a stale lock file from a dead pid, or an unreadable one, is taken over', async () => {
    for (const content of [async () => `${JSON.stringify({ pid: await deadPid(), token: 'old' })}\n`, async () => 'garbage']) {
      await withTempDir(async (dir) => {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, LOCK_FILE_NAME), await content());
        const holder = readLockHolder(dir);
        if (holder) assert.equal(holder.alive, false);
        const store = await ChainStore.open(dir, params);
        assert.equal(lockFilePid(dir), process.pid);
        await store.close();
        assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false);
      });
    }
  });
});
