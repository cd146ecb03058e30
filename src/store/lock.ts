/**
 * Who holds a chain store directory.
 *
 * The authority is LevelDB's own `LOCK` file: an fcntl/LockFileEx lock that the kernel releases
 * when its process dies, so it can never go stale and a reused pid can never fake it. On top of
 * it, `powcoin.lock` records the holder's pid so that a refused second process can say *who*
 * holds the directory. That file is written only after LevelDB's lock is ours, which makes any
 * file already there stale by construction (its writer no longer holds the database — it
 * crashed or was killed), so we take it over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors.js';

export const LOCK_FILE_NAME = 'powcoin.lock';

export interface LockHolder {
  readonly pid: number;
  /** Whether that pid is a live process now (it may be a reused pid; LevelDB's lock decides). */
  readonly alive: boolean;
}

export class PidLockFile {
  private constructor(
    readonly path: string,
    private readonly token: string,
  ) {}

  /** Records this process as the holder. Call only while holding LevelDB's lock on `dir`. */
  static claim(dir: string): PidLockFile {
    const path = join(dir, LOCK_FILE_NAME);
    const token = randomBytes(8).toString('hex');
    const content = `${JSON.stringify({ pid: process.pid, token, since: new Date().toISOString() })}\n`;
    if (!createExclusive(path, content)) replaceAtomically(path, content);
    return new PidLockFile(path, token);
  }

  /** Removes the file if it is still ours; a newer holder's file is left alone. */
  release(): void {
    try {
      if (readLockFile(this.path)?.token !== this.token) return;
      unlinkSync(this.path);
    } catch {
      // Already gone, or the directory was removed under us: nothing left to release.
    }
  }
}

/** The recorded holder of `dir`, if a readable lock file names one. */
export function readLockHolder(dir: string): LockHolder | undefined {
  const record = readLockFile(join(dir, LOCK_FILE_NAME));
  if (!record) return undefined;
  return { pid: record.pid, alive: isProcessAlive(record.pid) };
}

export function lockedError(dir: string, cause?: unknown): StoreError {
  const holder = readLockHolder(dir);
  const who = holder?.alive ? `process ${holder.pid}` : 'another process';
  return new StoreError('locked', `chain store ${dir} is already open in ${who}; stop it first`, { cause });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLockFile(path: string): { pid: number; token: string } | undefined {
  try {
    const record: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof record !== 'object' || record === null) return undefined;
    const { pid, token } = record as { pid?: unknown; token?: unknown };
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0 || typeof token !== 'string') return undefined;
    return { pid: pid as number, token };
  } catch {
    return undefined;
  }
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError(path, err);
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Write-then-rename, so a reader never sees a half-written file. */
function replaceAtomically(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    throw ioError(path, err);
  }
}

function ioError(path: string, err: unknown): StoreError {
  return new StoreError('io', `cannot write lock file ${path}: ${(err as Error).message}`, { cause: err });
}
