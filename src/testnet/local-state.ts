/**
 * The state file of a local testnet (`<dir>/testnet.json`): what `powcoin testnet up` started
 * (pids, ports, data dirs, RPC credentials), read by every other `powcoin testnet` command.
 * Written with mode 0600, since it holds the RPC password.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemberNode, NodeRole } from './backend.js';
import { TestnetError } from './errors.js';

export const STATE_FILE = 'testnet.json';
export const STATE_VERSION = 1;

export type { NodeRole };

/** A node of a local testnet: a `powcoin node` process with its own data dir and ports. */
export interface TestnetNode extends MemberNode {
  /** `node0`, `node1`, ... */
  readonly name: string;
  readonly index: number;
  readonly role: NodeRole;
  readonly rpcPort: number;
  readonly p2pPort: number;
  /** The node's --datadir; it writes under `<datadir>/<network>/`. */
  readonly datadir: string;
  readonly networkDir: string;
  /** stdout and stderr of the daemon (JSON log lines). */
  readonly log: string;
  /** Mining and signature-verification threads. */
  readonly threads: number;
  readonly mine: boolean;
  pid?: number;
  /** libp2p peer id and dialable multiaddr, known once the node answered. */
  peerId?: string;
  p2pAddress?: string;
  /** Set by `testnet partition`, cleared by `testnet heal`. */
  isolated?: boolean;
}

export interface TestnetState {
  readonly version: number;
  readonly dir: string;
  readonly createdAt: string;
  /** The network's name, e.g. `demo`: the nodes write under `<datadir>/<network>/`. */
  readonly network: string;
  /** `--network-config` given to every node (a copy kept in the testnet's dir), or none for a built-in network. */
  readonly networkConfig?: string;
  /** `--network` for a built-in network. */
  readonly builtinNetwork?: string;
  readonly rpcUser: string;
  readonly rpcPassword: string;
  /** `--mine-interval` of the miners. */
  readonly mineInterval: number;
  readonly basePort: number;
  nodes: TestnetNode[];
}

export function statePath(dir: string): string {
  return join(dir, STATE_FILE);
}

export function hasState(dir: string): boolean {
  return existsSync(statePath(dir));
}

export function readState(dir: string): TestnetState {
  const path = statePath(dir);
  if (!existsSync(path)) {
    throw new TestnetError('no-testnet', `no testnet in ${dir} (no ${STATE_FILE}); start one with 'powcoin testnet up --dir ${dir}', or pass the --dir it was started with`);
  }
  let state: TestnetState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as TestnetState;
  } catch (err) {
    throw new TestnetError('bad-state', `${path} is not a testnet state file: ${(err as Error).message}`);
  }
  if (state.version !== STATE_VERSION || !Array.isArray(state.nodes)) {
    throw new TestnetError('bad-state', `${path} is not a testnet state file of this version (version ${String(state.version)}, expected ${STATE_VERSION})`);
  }
  return state;
}

export function writeState(state: TestnetState): void {
  const path = statePath(state.dir);
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/**
 * Whether `pid` is a live process. A zombie (exited, not yet reaped by its parent, which for a
 * detached daemon is init or a container's pid 1) counts as gone.
 */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (macOS): kill(0) is all we have
  }
}

/**
 * Whether the live process `pid` is this node's daemon, so a pid reused by another program since
 * is never signalled: its command line names the node's data dir. Without /proc, trusted.
 */
export function isOurDaemon(node: TestnetNode): boolean {
  if (!isAlive(node.pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${node.pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(node.datadir);
  } catch {
    return true;
  }
}
