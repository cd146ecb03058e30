/** The local back end's `up`: plan the nodes, check ports, start the seed and then the others, wait until they are connected. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNetworkName, networks, parseNetworkConfig } from '../params/index.js';
import { STATE_VERSION, type NodeRole, type TestnetNode, type TestnetState, hasState, isOurDaemon, readState, writeState } from './local-state.js';
import { DEFAULT_BASE_PORT, DEFAULT_NODES, HOST, NETWORK_COPY, RPC_USER, demoNetworkConfig, packageRoot } from './defaults.js';
import { TestnetError } from './errors.js';
import type { Say } from './find.js';
import { call, logTail } from './local-backend.js';
import { sleep } from './wait.js';
import { readDashboardUrl } from '../dashboard/url-file.js';

export interface UpOptions {
  dir: string;
  /** Total nodes, the seed included (default 4). */
  nodes?: number;
  /** Mining nodes, node1..K (default: nodes - 2, so one wallet node is left; at least 1). */
  miners?: number;
  /** A network definition file (default config/networks/demo.json), or... */
  networkConfig?: string;
  /** ...a built-in network (`regtest`, `test`). */
  network?: string;
  /** Node i gets RPC port base + 2i and p2p port base + 2i + 1 (default 28700). */
  basePort?: number;
  /** The miners' --mine-interval (default: 0 on a network that retargets, else 1). */
  mineInterval?: number;
  /** Mining threads of miner k (1-based): default k, at most the number of cores. */
  minerThreads?: (k: number) => number;
  logLevel?: string;
  /**
   * How long each node may take to answer its RPC (default 180 s: a dozen nodes started at once
   * on a busy 2-core machine take over a minute; the ceiling is there for a node that never will).
   */
  readyTimeoutMs?: number;
  /** Extra `powcoin node` flags for every node. */
  extraArgs?: string[];
}

/** How to run `powcoin node` as this process runs: the compiled CLI, or the sources through tsx. */
function daemonCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const main = join(dirname(here), '..', 'cli', fromSource ? 'main.ts' : 'main.js');
  return fromSource ? ['--import', 'tsx', main] : [main];
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, HOST, () => server.close(() => resolvePort(true)));
  });
}

function resolveNetwork(options: UpOptions): { name: string; retargets: boolean; configFile?: string; builtin?: string } {
  if (options.network !== undefined && options.networkConfig !== undefined) throw new TestnetError('usage', 'give --network or --network-config, not both');
  if (options.network !== undefined) {
    if (!isNetworkName(options.network) || options.network === 'main') {
      throw new TestnetError('usage', `--network must be test or regtest (or use --network-config FILE), got '${options.network}'`);
    }
    return { name: options.network, retargets: !networks[options.network].noRetargeting, builtin: options.network };
  }
  const file = resolve(options.networkConfig ?? demoNetworkConfig());
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TestnetError('usage', `cannot read the network config ${file}: ${(err as Error).message}`);
  }
  try {
    const params = parseNetworkConfig(JSON.parse(text), networks);
    return { name: params.name, retargets: !params.noRetargeting, configFile: file };
  } catch (err) {
    throw new TestnetError('usage', `network config ${file}: ${(err as Error).message}`);
  }
}

function roleOf(index: number, miners: number): NodeRole {
  if (index === 0) return 'seed';
  return index <= miners ? 'miner' : 'wallet';
}

function checkCount(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new TestnetError('usage', `--${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** A fresh testnet's plan, written before anything starts so `down` can always clean up. */
function planTestnet(options: UpOptions): { state: TestnetState; networkSource?: string } {
  const dir = resolve(options.dir);
  const count = checkCount('nodes', options.nodes ?? DEFAULT_NODES, 1, 50);
  const miners = checkCount('miners', options.miners ?? Math.max(Math.min(1, count - 1), count - 2), 0, count - 1);
  const basePort = checkCount('base-port', options.basePort ?? DEFAULT_BASE_PORT, 1024, 65535 - 2 * count);
  const network = resolveNetwork(options);
  const mineInterval = options.mineInterval ?? (network.retargets ? 0 : 1);
  if (!(mineInterval >= 0)) throw new TestnetError('usage', `--mine-interval must be a non-negative number, got ${mineInterval}`);
  const cores = availableParallelism();
  const threadsOf = options.minerThreads ?? ((k: number) => Math.min(k, cores));
  // The nodes read a copy (made by `create`), so editing the original later cannot split a running testnet.
  const networkConfig = network.configFile ? join(dir, NETWORK_COPY) : undefined;
  const nodes: TestnetNode[] = [];
  for (let index = 0; index < count; index++) {
    const role = roleOf(index, miners);
    const datadir = join(dir, `node${index}`);
    nodes.push({
      name: `node${index}`,
      index,
      role,
      rpcPort: basePort + 2 * index,
      p2pPort: basePort + 2 * index + 1,
      datadir,
      networkDir: join(datadir, network.name),
      log: join(datadir, 'node.log'),
      threads: role === 'miner' ? Math.max(1, threadsOf(index)) : 1,
      mine: role === 'miner',
    });
  }
  const state: TestnetState = {
    version: STATE_VERSION,
    dir,
    createdAt: new Date().toISOString(),
    network: network.name,
    ...(networkConfig ? { networkConfig } : { builtinNetwork: network.builtin }),
    rpcUser: RPC_USER,
    rpcPassword: randomBytes(24).toString('hex'),
    mineInterval,
    basePort,
    nodes,
  };
  return { state, networkSource: network.configFile };
}

/** Writes the planned testnet's dir: the network definition's copy and the state file. */
function create(state: TestnetState, networkSource: string | undefined): void {
  mkdirSync(state.dir, { recursive: true });
  if (networkSource && state.networkConfig && resolve(networkSource) !== state.networkConfig) copyFileSync(networkSource, state.networkConfig);
  writeState(state);
}

async function checkPorts(state: TestnetState): Promise<void> {
  const busy: string[] = [];
  for (const node of state.nodes) {
    if (!(await portFree(node.rpcPort))) busy.push(`${node.rpcPort} (${node.name} RPC)`);
    if (!(await portFree(node.p2pPort))) busy.push(`${node.p2pPort} (${node.name} p2p)`);
  }
  if (busy.length > 0) {
    throw new TestnetError('busy', `port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use on ${HOST}: another testnet or program holds ${busy.length > 1 ? 'them' : 'it'}; pick other ports with --base-port P, or stop the other testnet ('powcoin testnet down --dir DIR')`);
  }
}

function nodeArgs(state: TestnetState, node: TestnetNode, seedAddress: string | undefined, options: UpOptions): string[] {
  const args = [
    'node',
    ...(state.networkConfig ? ['--network-config', state.networkConfig] : ['--network', state.builtinNetwork ?? 'regtest']),
    '--datadir', node.datadir,
    '--rpc-bind', HOST,
    '--rpc-port', String(node.rpcPort),
    '--p2p-bind', HOST,
    '--p2p-port', String(node.p2pPort),
    '--threads', String(node.threads),
    '--log-level', options.logLevel ?? 'info',
  ];
  if (node.mine) args.push('--mine', '--mine-interval', String(state.mineInterval));
  // Only the seed's address: the nodes find each other through it (addr relay, address book) and stay connected without it.
  if (seedAddress && node.role !== 'seed') args.push('--seed', seedAddress);
  return [...args, ...(options.extraArgs ?? [])];
}

function spawnNode(state: TestnetState, node: TestnetNode, args: string[]): ChildProcess {
  mkdirSync(node.datadir, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  // The operator's own POWCOIN_* settings (a datadir, a config file, peers) must not leak into the testnet.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('POWCOIN_')) env[key] = value;
  // Through the environment, so the password does not show in `ps`.
  env.POWCOIN_RPC_USER = state.rpcUser;
  env.POWCOIN_RPC_PASSWORD = state.rpcPassword;
  const out = openSync(node.log, 'a');
  try {
    const child = spawn(process.execPath, [...daemonCommand(), ...args], { cwd: packageRoot(), env, detached: true, stdio: ['ignore', out, out] });
    child.unref();
    return child;
  } finally {
    closeSync(out);
  }
}

/** Waits for the node's RPC to answer; records its peer id and 127.0.0.1 multiaddr. */
async function waitReady(state: TestnetState, node: TestnetNode, child: ChildProcess, timeoutMs: number): Promise<void> {
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ? `signal ${signal}` : `exit code ${code}`));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exit !== undefined) throw new TestnetError('start-failed', `${node.name} stopped during start-up (${exit}); the end of ${node.log}:\n${logTail(node)}`);
    try {
      const info = await call<{ peerid?: string; localaddresses: Array<{ address: string }> }>(state, node, 'getnetworkinfo', [], 5_000);
      node.peerId = info.peerid;
      node.p2pAddress = info.localaddresses.map((row) => row.address).find((address) => address.startsWith(`/ip4/${HOST}/`)) ?? info.localaddresses[0]?.address;
      return;
    } catch {
      // not listening yet, or still loading (-28)
    }
    await sleep(200);
  }
  throw new TestnetError('start-failed', `${node.name} did not answer on RPC port ${node.rpcPort} within ${Math.round(timeoutMs / 1000)} s; the end of ${node.log}:\n${logTail(node)}`);
}

async function startNodes(state: TestnetState, options: UpOptions, say: Say): Promise<void> {
  const readyTimeout = options.readyTimeoutMs ?? 180_000;
  const children = new Map<string, ChildProcess>();
  const stopStarted = () => {
    for (const node of state.nodes) if (isOurDaemon(node)) process.kill(node.pid!, 'SIGKILL');
  };
  try {
    const [seed, ...others] = state.nodes;
    const seedChild = spawnNode(state, seed, nodeArgs(state, seed, undefined, options));
    seed.pid = seedChild.pid;
    children.set(seed.name, seedChild);
    writeState(state);
    await waitReady(state, seed, seedChild, readyTimeout);
    say(`${seed.name} (seed) ready: pid ${seed.pid}, rpc ${HOST}:${seed.rpcPort}, p2p ${seed.p2pAddress}`);
    if (!seed.p2pAddress) throw new TestnetError('start-failed', `${seed.name} reports no p2p address; see ${seed.log}`);
    for (const node of others) {
      const child = spawnNode(state, node, nodeArgs(state, node, seed.p2pAddress, options));
      node.pid = child.pid;
      children.set(node.name, child);
    }
    writeState(state);
    await Promise.all(others.map((node) => waitReady(state, node, children.get(node.name)!, readyTimeout)));
    for (const node of others) say(`${node.name} (${node.role}${node.mine ? `, ${node.threads} thread${node.threads > 1 ? 's' : ''}` : ''}) ready: pid ${node.pid}, rpc ${HOST}:${node.rpcPort}`);
    writeState(state);
  } catch (err) {
    stopStarted();
    writeState(state);
    if (!(err instanceof TestnetError)) throw err;
    throw new TestnetError(err.code, `${err.message}\nThe nodes started are stopped; the logs stay in ${state.dir} ('powcoin testnet down --dir ${state.dir}' removes them).`);
  }
  const connected = await waitConnected(state, state.nodes.slice(1), 30_000);
  for (const node of state.nodes.slice(1)) {
    if (!connected.has(node.name)) say(`warning: ${node.name} has no peer after 30 s; see ${node.log}`);
  }
  // A node writes its dashboard's address (token included) just before it logs 'node ready',
  // a moment after its network methods answer: wait for it, unless the dashboard was turned off.
  const dashboardOff = (options.extraArgs ?? []).some((arg) => /^--dashboard=(0|false)$/.test(arg));
  const urls = dashboardOff ? new Map<string, string>() : await waitDashboardUrls(state.nodes, 60_000);
  for (const node of state.nodes) {
    const url = urls.get(node.name);
    if (url) say(`${node.name} dashboard: ${url}`);
    else if (!dashboardOff) say(`warning: ${node.name} wrote no dashboard address within 60 s; see ${node.log}`);
  }
}

/** Each node's dashboard URL, once all have written theirs or the ceiling passes. */
async function waitDashboardUrls(nodes: TestnetNode[], timeoutMs: number): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const node of nodes) {
      const url = urls.has(node.name) ? undefined : readDashboardUrl(node.networkDir);
      if (url) urls.set(node.name, url);
    }
    if (urls.size === nodes.length || Date.now() > until) return urls;
    await sleep(100);
  }
}

/** Waits until each node has at least one peer; answers the names of those that do. */
async function waitConnected(state: TestnetState, nodes: TestnetNode[], timeoutMs: number): Promise<Set<string>> {
  const done = new Set<string>();
  const until = Date.now() + timeoutMs;
  while (done.size < nodes.length && Date.now() < until) {
    for (const node of nodes) {
      if (done.has(node.name)) continue;
      const count = await call<number>(state, node, 'getconnectioncount', [], 5_000).catch(() => 0);
      if (count > 0) done.add(node.name);
    }
    if (done.size < nodes.length) await sleep(250);
  }
  return done;
}

/**
 * Starts a testnet in `options.dir`. A dir holding a stopped testnet (`down --keep`) is started
 * again as it was, with its chains and wallets; one holding a running testnet is refused.
 */
export async function upTestnet(options: UpOptions, say: Say = () => undefined): Promise<TestnetState> {
  const dir = resolve(options.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new TestnetError('usage', `${dir} is not a directory`);
  if (hasState(dir)) {
    const state = readState(dir);
    const alive = state.nodes.filter((node) => isOurDaemon(node));
    if (alive.length > 0) {
      throw new TestnetError('busy', `${dir} already holds a running testnet (${alive.map((node) => `${node.name} pid ${node.pid}`).join(', ')}); see 'powcoin testnet status --dir ${dir}', or stop it with 'powcoin testnet down --dir ${dir}'`);
    }
    say(`restarting the stopped testnet in ${dir} (${state.nodes.length} nodes, network ${state.network}); 'powcoin testnet down --dir ${dir}' removes it instead`);
    // A node cut off before keeps its bans (they are stored in its data dir) until `heal`.
    for (const node of state.nodes) delete node.pid;
    await checkPorts(state);
    await startNodes(state, options, say);
    return state;
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new TestnetError('usage', `${dir} is not empty and holds no testnet; give an empty or new directory with --dir`);
  }
  const { state, networkSource } = planTestnet({ ...options, dir });
  await checkPorts(state);
  create(state, networkSource);
  say(`starting ${state.nodes.length} nodes on network ${state.network} in ${dir}`);
  await startNodes(state, options, say);
  return state;
}

