/**
 * A local testnet without Docker: N `powcoin node` processes on 127.0.0.1, each with its own
 * data dir and ports under one directory, connected through a seed (node0). The operations
 * behind `powcoin testnet up|status|pay|partition|heal|down|rpc`; the CLI only parses and prints.
 *
 * Roles: node0 is the seed (every other node dials it; it does not mine), node1..K mine (with
 * 1, 2, ... threads, so their hash rates differ), the rest are wallet nodes that only relay,
 * validate and pay.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfigDir } from '../node/options.js';
import { isNetworkName, networks, parseNetworkConfig } from '../params/index.js';
import { RpcClient } from '../rpc/client.js';
import { STATE_VERSION, type NodeRole, type TestnetNode, type TestnetState, TestnetError, hasState, isAlive, isOurDaemon, readState, statePath, writeState } from './state.js';

export { TestnetError } from './state.js';
export type { NodeRole, TestnetNode, TestnetState } from './state.js';

export const DEFAULT_NODES = 4;
export const DEFAULT_BASE_PORT = 28700;
export const RPC_USER = 'testnet';
const NETWORK_COPY = 'network.json';
const HOST = '127.0.0.1';

/** `$POWCOIN_TESTNET_DIR`, else `~/.powcoin-testnet`. */
export function defaultTestnetDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.POWCOIN_TESTNET_DIR || join(homedir(), '.powcoin-testnet'));
}

/** The shipped demo network: `config/networks/demo.json`. */
export function demoNetworkConfig(): string {
  return join(defaultConfigDir(), 'networks', 'demo.json');
}

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
  /** How long each node may take to answer its RPC (default 60 s). */
  readyTimeoutMs?: number;
  /** Extra `powcoin node` flags for every node. */
  extraArgs?: string[];
}

export type Say = (line: string) => void;

// ---------------------------------------------------------------------------------------------
// RPC

export function clientFor(state: TestnetState, node: TestnetNode, timeoutMs = 60_000): RpcClient {
  return new RpcClient({ url: `http://${HOST}:${node.rpcPort}/`, credentials: { user: state.rpcUser, password: state.rpcPassword }, timeoutMs });
}

export function call<T = unknown>(state: TestnetState, node: TestnetNode, method: string, params: unknown[] = [], timeoutMs?: number): Promise<T> {
  return clientFor(state, node, timeoutMs).call<T>(method, params);
}

/** A node by name (`node2`), index (`2`) or role when only one node has it (`seed`, `wallet`). */
export function findNode(state: TestnetState, ref: string): TestnetNode {
  const byName = state.nodes.find((node) => node.name === ref || String(node.index) === ref);
  if (byName) return byName;
  const byRole = state.nodes.filter((node) => node.role === ref);
  if (byRole.length === 1) return byRole[0];
  const names = state.nodes.map((node) => `${node.name} (${node.role})`).join(', ');
  throw new TestnetError(`no node '${ref}' in this testnet${byRole.length > 1 ? ` (several are ${ref}s)` : ''}; nodes: ${names}`, 2);
}

// ---------------------------------------------------------------------------------------------
// up

function packageRoot(): string {
  // src/testnet/ under tsx, dist/src/testnet/ compiled: the root holds package.json.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const root = resolve(here, up);
    if (existsSync(join(root, 'package.json')) && existsSync(join(root, 'config'))) return root;
  }
  return resolve(here, '../..');
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/** The last lines of a node's log, for an error message. */
export function logTail(node: TestnetNode, lines = 8): string {
  try {
    const text = readFileSync(node.log, 'utf8').trimEnd().split('\n').slice(-lines);
    return text.map((line) => `    ${line.length > 400 ? `${line.slice(0, 400)}...` : line}`).join('\n');
  } catch {
    return '    (no log)';
  }
}

function resolveNetwork(options: UpOptions): { name: string; retargets: boolean; configFile?: string; builtin?: string } {
  if (options.network !== undefined && options.networkConfig !== undefined) throw new TestnetError('give --network or --network-config, not both', 2);
  if (options.network !== undefined) {
    if (!isNetworkName(options.network) || options.network === 'bitcoin' || options.network === 'main') {
      throw new TestnetError(`--network must be test or regtest (or use --network-config FILE), got '${options.network}'`, 2);
    }
    return { name: options.network, retargets: !networks[options.network].noRetargeting, builtin: options.network };
  }
  const file = resolve(options.networkConfig ?? demoNetworkConfig());
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TestnetError(`cannot read the network config ${file}: ${(err as Error).message}`, 2);
  }
  try {
    const params = parseNetworkConfig(JSON.parse(text), networks);
    return { name: params.name, retargets: !params.noRetargeting, configFile: file };
  } catch (err) {
    throw new TestnetError(`network config ${file}: ${(err as Error).message}`, 2);
  }
}

function roleOf(index: number, miners: number): NodeRole {
  if (index === 0) return 'seed';
  return index <= miners ? 'miner' : 'wallet';
}

function checkCount(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new TestnetError(`--${name} must be an integer from ${min} to ${max}, got ${value}`, 2);
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
  if (!(mineInterval >= 0)) throw new TestnetError(`--mine-interval must be a non-negative number, got ${mineInterval}`, 2);
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
    throw new TestnetError(`port${busy.length > 1 ? 's' : ''} ${busy.join(', ')} already in use on ${HOST}: another testnet or program holds ${busy.length > 1 ? 'them' : 'it'}; pick other ports with --base-port P, or stop the other testnet ('powcoin testnet down --dir DIR')`);
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
    '--max-connections', String(Math.max(8, state.nodes.length + 4)),
  ];
  if (node.mine) args.push('--mine', '--mine-interval', String(state.mineInterval));
  if (seedAddress && node.role !== 'seed') args.push('--peer', seedAddress);
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
    if (exit !== undefined) throw new TestnetError(`${node.name} stopped during start-up (${exit}); the end of ${node.log}:\n${logTail(node)}`);
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
  throw new TestnetError(`${node.name} did not answer on RPC port ${node.rpcPort} within ${Math.round(timeoutMs / 1000)} s; the end of ${node.log}:\n${logTail(node)}`);
}

async function startNodes(state: TestnetState, options: UpOptions, say: Say): Promise<void> {
  const readyTimeout = options.readyTimeoutMs ?? 60_000;
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
    if (!seed.p2pAddress) throw new TestnetError(`${seed.name} reports no p2p address; see ${seed.log}`);
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
    throw new TestnetError(`${err.message}\nThe nodes started are stopped; the logs stay in ${state.dir} ('powcoin testnet down --dir ${state.dir}' removes them).`, err.exitCode);
  }
  const connected = await waitConnected(state, state.nodes.slice(1), 30_000);
  for (const node of state.nodes.slice(1)) {
    if (!connected.has(node.name)) say(`warning: ${node.name} has no peer after 30 s; see ${node.log}`);
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
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new TestnetError(`${dir} is not a directory`, 2);
  if (hasState(dir)) {
    const state = readState(dir);
    const alive = state.nodes.filter((node) => isOurDaemon(node));
    if (alive.length > 0) {
      throw new TestnetError(`${dir} already holds a running testnet (${alive.map((node) => `${node.name} pid ${node.pid}`).join(', ')}); see 'powcoin testnet status --dir ${dir}', or stop it with 'powcoin testnet down --dir ${dir}'`);
    }
    say(`restarting the stopped testnet in ${dir} (${state.nodes.length} nodes, network ${state.network}); 'powcoin testnet down --dir ${dir}' removes it instead`);
    // A node cut off before keeps its bans (they are stored in its data dir) until `heal`.
    for (const node of state.nodes) delete node.pid;
    await checkPorts(state);
    await startNodes(state, options, say);
    return state;
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new TestnetError(`${dir} is not empty and holds no testnet; give an empty or new directory with --dir`, 2);
  }
  const { state, networkSource } = planTestnet({ ...options, dir });
  await checkPorts(state);
  create(state, networkSource);
  say(`starting ${state.nodes.length} nodes on network ${state.network} in ${dir}`);
  await startNodes(state, options, say);
  return state;
}

// ---------------------------------------------------------------------------------------------
// status

export interface NodeStatus {
  name: string;
  role: NodeRole;
  pid?: number;
  running: boolean;
  isolated: boolean;
  height?: number;
  tip?: string;
  difficulty?: number;
  peers?: number;
  /** The node's own miner, hashes per second. */
  hashrate?: number;
  /** The network's, estimated from the last 120 blocks. */
  networkHashps?: number;
  mempool?: number;
  /** Stale branches known (getchaintips minus the active one). */
  forks?: number;
  balance?: number;
  immature?: number;
  error?: string;
}

export async function nodeStatus(state: TestnetState, node: TestnetNode): Promise<NodeStatus> {
  const row: NodeStatus = { name: node.name, role: node.role, pid: node.pid, running: isOurDaemon(node), isolated: node.isolated === true };
  if (!row.running) return row;
  try {
    const get = <T>(method: string) => call<T>(state, node, method, [], 10_000);
    const [chain, peers, mining, mempool, tips, balances] = await Promise.all([
      get<{ blocks: number; bestblockhash: string; difficulty: number }>('getblockchaininfo'),
      get<number>('getconnectioncount'),
      get<{ hashespersec: number; networkhashps: number }>('getmininginfo'),
      get<{ size: number }>('getmempoolinfo'),
      get<unknown[]>('getchaintips'),
      get<{ mine: { trusted: number; untrusted_pending: number; immature: number } }>('getbalances'),
    ]);
    Object.assign(row, {
      height: chain.blocks,
      tip: chain.bestblockhash,
      difficulty: chain.difficulty,
      peers,
      hashrate: mining.hashespersec,
      networkHashps: mining.networkhashps,
      mempool: mempool.size,
      forks: tips.length - 1,
      balance: balances.mine.trusted + balances.mine.untrusted_pending,
      immature: balances.mine.immature,
    });
  } catch (err) {
    row.error = (err as Error).message;
  }
  return row;
}

export function testnetStatus(state: TestnetState): Promise<NodeStatus[]> {
  return Promise.all(state.nodes.map((node) => nodeStatus(state, node)));
}

export function formatRate(hashesPerSecond: number | undefined): string {
  if (hashesPerSecond === undefined) return '';
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s'];
  let value = hashesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The side-by-side view: one row per node. */
export function formatStatus(state: TestnetState, rows: NodeStatus[]): string {
  const header = ['node', 'role', 'pid', 'height', 'tip', 'peers', 'hashrate', 'net hash/s', 'difficulty', 'mempool', 'forks', 'balance', 'immature'];
  const table = rows.map((row) => {
    const role = `${row.role}${row.isolated ? ' (isolated)' : ''}`;
    if (!row.running) return [row.name, role, row.pid ? String(row.pid) : '-', 'down'];
    if (row.error) return [row.name, role, String(row.pid), `error: ${row.error}`];
    return [
      row.name,
      role,
      String(row.pid),
      String(row.height),
      row.tip ? row.tip.slice(0, 12) : '',
      String(row.peers),
      row.role === 'miner' ? formatRate(row.hashrate) : '-',
      formatRate(row.networkHashps),
      row.difficulty === undefined ? '' : row.difficulty.toPrecision(3),
      String(row.mempool),
      String(row.forks),
      row.balance === undefined ? '' : row.balance.toFixed(4),
      row.immature === undefined ? '' : row.immature.toFixed(4),
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...table.filter((cells) => cells.length === header.length).map((cells) => cells[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (cells.length === header.length || i < cells.length - 1 ? cell.padEnd(widths[i]) : cell))
      .join('  ')
      .trimEnd();
  const tips = new Set(rows.filter((row) => row.tip).map((row) => row.tip));
  const summary = tips.size === 1 ? 'all running nodes on one tip' : tips.size === 0 ? 'no node answering' : `${tips.size} different tips`;
  return [`testnet ${state.dir} (network ${state.network}): ${summary}`, line(header), ...table.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// pay, partition, heal

function requireRunning(node: TestnetNode): void {
  if (!isOurDaemon(node)) throw new TestnetError(`${node.name} is not running (pid ${node.pid ?? 'none'}); see ${node.log}`);
}

export interface PayResult {
  txid: string;
  address: string;
  /** With `wait`: the block that confirmed it, and the nodes whose main chain holds that block. */
  blockhash?: string;
  confirmedOn?: string[];
}

/** Pays AMOUNT coins from FROM's wallet to a new address of TO's wallet (or to TO when it is an address). */
export async function pay(state: TestnetState, from: string, to: string, amount: string, options: { wait?: boolean; timeoutMs?: number } = {}): Promise<PayResult> {
  const payer = findNode(state, from);
  requireRunning(payer);
  let address = to;
  if (!/^[a-z0-9]+1[02-9ac-hj-np-z]{6,}$/.test(to)) {
    const payee = findNode(state, to);
    requireRunning(payee);
    address = await call<string>(state, payee, 'getnewaddress');
  }
  const txid = await call<string>(state, payer, 'sendtoaddress', [address, amount]);
  const result: PayResult = { txid, address };
  if (!options.wait) return result;
  const until = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < until) {
    const tx = await call<{ confirmations: number; blockhash?: string }>(state, payer, 'gettransaction', [txid]);
    if (tx.confirmations > 0 && tx.blockhash) {
      const confirmedOn: string[] = [];
      for (const node of state.nodes.filter((n) => isOurDaemon(n))) {
        const header = await call<{ confirmations: number }>(state, node, 'getblockheader', [tx.blockhash]).catch(() => ({ confirmations: -1 }));
        if (header.confirmations > 0) confirmedOn.push(node.name);
      }
      result.blockhash = tx.blockhash;
      result.confirmedOn = confirmedOn;
      if (confirmedOn.length === state.nodes.filter((n) => isOurDaemon(n) && !n.isolated).length) return result;
    }
    await sleep(500);
  }
  return result;
}

/**
 * Cuts NODE off: it bans every other testnet node's peer id, which hangs up its connections and
 * refuses them both ways, so it mines (or waits) on its own branch until healed.
 */
export async function partition(state: TestnetState, ref: string): Promise<TestnetNode> {
  const node = findNode(state, ref);
  requireRunning(node);
  for (const other of state.nodes) {
    if (other === node || !other.peerId) continue;
    await call(state, node, 'setban', [other.peerId, 'add', 86_400]);
  }
  const until = Date.now() + 15_000;
  while ((await call<number>(state, node, 'getconnectioncount')) > 0) {
    if (Date.now() > until) throw new TestnetError(`${node.name} still has peers 15 s after banning them; see ${node.log}`);
    await sleep(200);
  }
  node.isolated = true;
  writeState(state);
  return node;
}

/** Joins NODE again: lifts its bans and dials the seed (the seed dials every other node when it is NODE). */
export async function heal(state: TestnetState, ref: string): Promise<TestnetNode> {
  const node = findNode(state, ref);
  requireRunning(node);
  await call(state, node, 'clearbanned');
  const seed = state.nodes[0];
  if (node === seed) {
    for (const other of state.nodes.slice(1)) {
      if (isOurDaemon(other) && !other.isolated && other.p2pAddress) await call(state, seed, 'addnode', [other.p2pAddress, 'onetry']).catch(() => undefined);
    }
  } else {
    if (!seed.p2pAddress) throw new TestnetError(`the seed's p2p address is unknown; is ${seed.name} running?`);
    requireRunning(seed);
    await call(state, node, 'addnode', [seed.p2pAddress, 'onetry']);
  }
  const connected = await waitConnected(state, [node], 20_000);
  if (!connected.has(node.name)) throw new TestnetError(`${node.name} did not reconnect within 20 s; see ${node.log}`);
  node.isolated = false;
  writeState(state);
  return node;
}

// ---------------------------------------------------------------------------------------------
// down

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
  if (stillAlive.length > 0) throw new TestnetError(`could not stop ${stillAlive.map((node) => `${node.name} (pid ${node.pid})`).join(', ')}`);
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

export { readState, isAlive, isOurDaemon };
