/**
 * --pid-file, for service managers: written once the node has started (so a second node that
 * fails on the lock never overwrites the running one's), removed on a clean stop if still ours.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writePidFile(path: string, pid = process.pid): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${pid}\n`, { mode: 0o644 });
}

export function removePidFile(path: string, pid = process.pid): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(pid)) rmSync(path, { force: true });
  } catch {
    // Already gone: nothing to clean.
  }
}
