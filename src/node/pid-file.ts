/**
 * --pid-file, for service managers: written once the node has started (so a second node that
 * fails on the lock never overwrites the running one's), removed on a clean stop if still ours.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Written beside the file and renamed over it, so whoever sees the file sees the pid: a plain
 * write creates it empty first, and a service manager (or a test) reading then finds nothing.
 */
export function writePidFile(path: string, pid = process.pid): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${pid}.tmp`;
  writeFileSync(temp, `${pid}\n`, { mode: 0o644 });
  renameSync(temp, path);
}

export function removePidFile(path: string, pid = process.pid): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(pid)) rmSync(path, { force: true });
  } catch {
    // Already gone: nothing to clean.
  }
}
