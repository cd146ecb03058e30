/** The local back end's `down`: stop every node (SIGTERM, then SIGKILL) and remove what `up` created. */
import { rmSync, rmdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type TestnetNode, isAlive, isOurDaemon, readState, statePath, writeState } from './local-state.js';
import { TestnetError } from './errors.js';
import { NETWORK_COPY } from './defaults.js';
import type { Say } from './find.js';
import { sleep } from './wait.js';

export interface DownResult {
  stopped: string[];
  killed: string[];
  removed: boolean;
}

async function waitGone(nodes: TestnetNode[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (nodes.some((node) => isAlive(node.pid)) && Date.now() < until) await sleep(100);
}

/** Stops every node (SIGTERM, then SIGKILL after `timeoutMs`) and removes the testnet's files unless `keep`. */
export async function downTestnet(dirOption: string, options: { keep?: boolean; timeoutMs?: number } = {}, say: Say = () => undefined): Promise<DownResult> {
  const dir = resolve(dirOption);
  const state = readState(dir);
  const running = state.nodes.filter((node) => isOurDaemon(node));
  for (const node of running) {
    try {
      process.kill(node.pid!, 'SIGTERM');
    } catch {
      // gone in between
    }
  }
  await waitGone(running, options.timeoutMs ?? 30_000);
  const killed: string[] = [];
  for (const node of running) {
    if (!isAlive(node.pid)) continue;
    say(`${node.name} (pid ${node.pid}) did not stop in time; sending SIGKILL`);
    try {
      process.kill(node.pid!, 'SIGKILL');
    } catch {
      // gone in between
    }
    killed.push(node.name);
  }
  await waitGone(running, 10_000);
  const stillAlive = running.filter((node) => isAlive(node.pid));
  if (stillAlive.length > 0) throw new TestnetError('stop-failed', `could not stop ${stillAlive.map((node) => `${node.name} (pid ${node.pid})`).join(', ')}`);
  const stopped = running.map((node) => node.name);
  if (options.keep) {
    for (const node of state.nodes) delete node.pid;
    writeState(state);
    return { stopped, killed, removed: false };
  }
  // Only what `up` created, so a --dir pointing somewhere precious loses nothing else.
  for (const node of state.nodes) rmSync(node.datadir, { recursive: true, force: true });
  rmSync(join(dir, NETWORK_COPY), { force: true });
  rmSync(statePath(dir), { force: true });
  rmSync(`${statePath(dir)}.tmp`, { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // not empty: something of the operator's is in there
  }
  return { stopped, killed, removed: true };
}
