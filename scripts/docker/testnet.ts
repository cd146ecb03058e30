/**
 * The compose testnet (docker/docker-compose.yml) from the command line and from tests:
 *
 *   node --import tsx scripts/docker/testnet.ts up | status | pay FROM TO AMOUNT | partition NODE | heal NODE | down
 *
 * (or npm run testnet:docker:<command> -- ARGS). `up` makes Docker usable (ensure-docker.sh),
 * a base image (build-base-image.sh: node:20-slim, or a local one when no registry answers),
 * builds the powcoin image and starts the four nodes. RPC goes to the ports published on
 * 127.0.0.1; a node cut off from the network has none, so it is reached with `docker exec`.
 *
 * Environment: POWCOIN_TESTNET_PROJECT (compose project, default powcoin-testnet),
 * POWCOIN_TESTNET_NETWORK (docker network, default: the project name), POWCOIN_IMAGE (default
 * powcoin:local), POWCOIN_{SEED,MINER1,MINER2,WALLET}_RPC_PORT (default 28801..28804).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODES = ['seed', 'miner1', 'miner2', 'wallet'] as const;
export type NodeName = (typeof NODES)[number];

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DOCKER_DIR = join(ROOT, 'docker');
const SCRIPTS = join(ROOT, 'scripts', 'docker');
const COMPOSE_FILE = join(DOCKER_DIR, 'docker-compose.yml');
const ENV_FILE = join(DOCKER_DIR, '.env');
const ENV_EXAMPLE = join(DOCKER_DIR, 'testnet.env.example');
/** The seed's peer id (docker/seed/p2p.key); the compose file names it too. */
export const SEED_PEER_ID = '12D3KooWCqLFNsJVPEwv8MD5nP1tQoaXh6Zpi3TU8jNK7PiJAK5k';
export const SEED_ADDRESS = `/dns4/seed/tcp/28633/p2p/${SEED_PEER_ID}`;
/** ensure-docker.sh's exit code for "Docker cannot work here". */
export const SKIP_EXIT = 3;

export class TestnetError extends Error {
  override readonly name = 'TestnetError';
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; `echo` streams its stderr (progress) to ours as it comes. */
export function run(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; echo?: boolean; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const input = options.input;
    const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a command that exits without reading its input
      child.stdin.end(input);
    }
  });
}

export async function must(cmd: string, args: readonly string[], options: Parameters<typeof run>[2] = {}): Promise<string> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) throw new TestnetError(`${cmd} ${args.join(' ')} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n')}`);
  return result.stdout;
}

export type DockerCheck = { ok: true; detail: string } | { ok: false; reason: string };

/** Runs ensure-docker.sh: Docker works (perhaps after installing and starting it), or why not. */
export async function ensureDocker(echo = true): Promise<DockerCheck> {
  const result = await run('bash', [join(SCRIPTS, 'ensure-docker.sh')], { echo });
  const lines = result.stderr.trim().split('\n').filter(Boolean);
  const last = lines.at(-1)?.replace(/^ensure-docker: (SKIP: )?/, '') ?? '';
  if (result.code === 0) return { ok: true, detail: last };
  return { ok: false, reason: result.code === SKIP_EXIT ? last : `ensure-docker.sh failed (exit ${result.code}): ${last}` };
}

/** `docker compose` (v2) when it works, else `docker-compose` (v1, Debian's package). */
let composeCommand: string[] | undefined;
export async function composeCmd(): Promise<string[]> {
  if (composeCommand) return composeCommand;
  if ((await run('docker', ['compose', 'version'])).code === 0) composeCommand = ['docker', 'compose'];
  else if ((await run('docker-compose', ['version']).catch(() => ({ code: 1 }))).code === 0) composeCommand = ['docker-compose'];
  else throw new TestnetError("neither 'docker compose' nor 'docker-compose' works; run scripts/docker/ensure-docker.sh");
  return composeCommand;
}

/** Creates docker/.env from the example when missing; answers the RPC credentials in it. */
export function ensureEnvFile(): { user: string; password: string } {
  if (!existsSync(ENV_FILE)) {
    copyFileSync(ENV_EXAMPLE, ENV_FILE);
    process.stderr.write(`testnet: created ${ENV_FILE} from ${ENV_EXAMPLE}\n`);
  }
  const vars = Object.fromEntries(
    readFileSync(ENV_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );
  if (!vars.POWCOIN_RPC_USER || !vars.POWCOIN_RPC_PASSWORD) throw new TestnetError(`${ENV_FILE} must set POWCOIN_RPC_USER and POWCOIN_RPC_PASSWORD`);
  return { user: vars.POWCOIN_RPC_USER, password: vars.POWCOIN_RPC_PASSWORD };
}

export interface TestnetConfig {
  project: string;
  network: string;
  image: string;
  ports: Record<NodeName, number>;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): TestnetConfig {
  const project = env.POWCOIN_TESTNET_PROJECT || 'powcoin-testnet';
  const port = (name: string, fallback: number) => Number(env[`POWCOIN_${name}_RPC_PORT`] || fallback);
  return {
    project,
    network: env.POWCOIN_TESTNET_NETWORK || project,
    image: env.POWCOIN_IMAGE || 'powcoin:local',
    ports: { seed: port('SEED', 28801), miner1: port('MINER1', 28802), miner2: port('MINER2', 28803), wallet: port('WALLET', 28804) },
  };
}

interface RpcCall {
  method: string;
  params?: unknown[];
}

export interface NodeStatus {
  node: NodeName;
  height: number;
  tip: string;
  chainwork: string;
  peers: number;
  hashrate: number;
  networkHashrate: number;
  balance: number;
  mempool: number;
  connected: boolean;
}

export class DockerTestnet {
  readonly credentials: { user: string; password: string };
  private readonly ids = new Map<NodeName, string>();

  constructor(readonly config: TestnetConfig = configFromEnv()) {
    this.credentials = ensureEnvFile();
  }

  /** The environment compose interpolates docker-compose.yml with. */
  private composeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const { ports } = this.config;
    return {
      ...process.env,
      POWCOIN_TESTNET_NETWORK: this.config.network,
      POWCOIN_IMAGE: this.config.image,
      POWCOIN_SEED_RPC_PORT: String(ports.seed),
      POWCOIN_MINER1_RPC_PORT: String(ports.miner1),
      POWCOIN_MINER2_RPC_PORT: String(ports.miner2),
      POWCOIN_WALLET_RPC_PORT: String(ports.wallet),
      ...extra,
    };
  }

  async compose(args: readonly string[], options: { echo?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
    const [cmd, ...pre] = await composeCmd();
    return must(cmd, [...pre, '-p', this.config.project, '-f', COMPOSE_FILE, ...args], { env: this.composeEnv(options.env), echo: options.echo });
  }

  /** The base image (pulled, or built here) and then the powcoin image on it. */
  async buildImage(echo = true): Promise<void> {
    const base = (await must('bash', [join(SCRIPTS, 'build-base-image.sh')], { echo })).trim().split('\n').at(-1)!;
    // Docker's CLI needs the buildx plugin for BuildKit; without it, the classic builder.
    const buildkit = (await run('docker', ['buildx', 'version'])).code === 0;
    const env = buildkit ? process.env : { ...process.env, DOCKER_BUILDKIT: '0' };
    process.stderr.write(`testnet: building ${this.config.image} on ${base}${buildkit ? '' : ' (classic builder)'}\n`);
    const started = Date.now();
    await must('docker', ['build', '-q', '-f', join(DOCKER_DIR, 'Dockerfile'), '--build-arg', `BASE_IMAGE=${base}`, '-t', this.config.image, ROOT], { env });
    process.stderr.write(`testnet: built ${this.config.image} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }

  async up(options: { build?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (options.build !== false) await this.buildImage();
    await this.compose(['up', '-d', '--no-build'], { echo: true });
    await this.waitHealthy(options.timeoutMs ?? 180_000);
  }

  async down(echo = true): Promise<void> {
    await this.compose(['down', '--volumes', '--remove-orphans', '--timeout', '30'], { echo });
    this.ids.clear();
  }

  async containerId(node: NodeName): Promise<string> {
    const known = this.ids.get(node);
    if (known) return known;
    const id = (await this.compose(['ps', '-q', node])).trim();
    if (!id) throw new TestnetError(`no container for ${node} in project ${this.config.project}; run 'up' first`);
    this.ids.set(node, id);
    return id;
  }

  async health(node: NodeName): Promise<string> {
    return (await must('docker', ['inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}', await this.containerId(node)])).trim();
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(NODES.map(async (node) => [node, await this.health(node)] as const));
      if (states.every(([, state]) => state === 'healthy')) return;
      if (Date.now() > deadline) throw new TestnetError(`nodes not healthy after ${timeoutMs / 1000} s: ${states.map(([n, s]) => `${n}=${s}`).join(', ')}`);
      await sleep(1000);
    }
  }

  /** Whether the node's container is attached to the testnet network (not partitioned). */
  async isConnected(node: NodeName): Promise<boolean> {
    const networks = await must('docker', ['inspect', '-f', '{{json .NetworkSettings.Networks}}', await this.containerId(node)]);
    return Object.keys(JSON.parse(networks) as Record<string, unknown>).includes(this.config.network);
  }

  /**
   * A JSON-RPC batch to one node: over its published 127.0.0.1 port, or, for a node cut off
   * from the network (no published port then), from inside its container with `docker exec`.
   */
  async batch(node: NodeName, calls: readonly RpcCall[], via?: 'port' | 'exec'): Promise<unknown[]> {
    const body = JSON.stringify(calls.map((call, id) => ({ jsonrpc: '1.0', id, method: call.method, params: call.params ?? [] })));
    const mode = via ?? ((await this.isConnected(node)) ? 'port' : 'exec');
    let text: string;
    if (mode === 'port') {
      const auth = Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString('base64');
      const response = await fetch(`http://127.0.0.1:${this.config.ports[node]}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
        body,
        signal: AbortSignal.timeout(60_000),
      });
      text = await response.text();
    } else {
      text = await execRpc(await this.containerId(node), body);
    }
    let replies: Array<{ id: number; result: unknown; error: { code: number; message: string } | null }>;
    try {
      replies = JSON.parse(text);
    } catch {
      throw new TestnetError(`${node}: not a JSON-RPC reply: ${text.slice(0, 200)}`);
    }
    return calls.map((call, id) => {
      const reply = replies.find((r) => r.id === id);
      if (!reply) throw new TestnetError(`${node}: no reply to ${call.method}`);
      if (reply.error) throw new TestnetError(`${node}: ${call.method}: ${reply.error.message} (${reply.error.code})`);
      return reply.result;
    });
  }

  async rpc<T = unknown>(node: NodeName, method: string, ...params: unknown[]): Promise<T> {
    return (await this.batch(node, [{ method, params }]))[0] as T;
  }

  async status(node: NodeName): Promise<NodeStatus> {
    const connected = await this.isConnected(node);
    const [chain, peers, mining, balance, mempool] = (await this.batch(
      node,
      [{ method: 'getblockchaininfo' }, { method: 'getconnectioncount' }, { method: 'getmininginfo' }, { method: 'getbalance' }, { method: 'getmempoolinfo' }],
      connected ? 'port' : 'exec',
    )) as [{ blocks: number; bestblockhash: string; chainwork: string }, number, { hashespersec: number; networkhashps: number }, number, { size: number }];
    return {
      node,
      height: chain.blocks,
      tip: chain.bestblockhash,
      chainwork: chain.chainwork,
      peers,
      hashrate: mining.hashespersec,
      networkHashrate: mining.networkhashps,
      balance,
      mempool: mempool.size,
      connected,
    };
  }

  async statuses(): Promise<NodeStatus[]> {
    return Promise.all(NODES.map((node) => this.status(node)));
  }

  /** Pays AMOUNT coins from one node's wallet to a new address of another's; answers the txid. */
  async pay(from: NodeName, to: NodeName, amount: number | string): Promise<{ txid: string; address: string }> {
    const address = await this.rpc<string>(to, 'getnewaddress');
    const txid = await this.rpc<string>(from, 'sendtoaddress', address, Number(amount));
    return { txid, address };
  }

  /**
   * Cuts a node off the testnet network (docker network disconnect), and closes its p2p
   * connections on both ends: a TCP connection over a vanished interface is otherwise only
   * noticed after timeouts, and one that outlives the cut would skip the resync on healing.
   */
  async partition(node: NodeName): Promise<void> {
    if (!(await this.isConnected(node))) throw new TestnetError(`${node} is already cut off`);
    await must('docker', ['network', 'disconnect', this.config.network, await this.containerId(node)]);
    await this.dropLinks(node);
  }

  /** Joins it again under its service name, with fresh connections: it dials the seed. */
  async heal(node: NodeName): Promise<void> {
    if (!(await this.isConnected(node))) {
      await this.dropLinks(node);
      await must('docker', ['network', 'connect', '--alias', node, this.config.network, await this.containerId(node)]);
    }
    const dialers = node === 'seed' ? NODES.filter((n) => n !== 'seed') : [node];
    for (const dialer of dialers) {
      // Right after `docker network connect` the name may not resolve yet: retry for a while.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.rpc(dialer, 'addnode', SEED_ADDRESS, 'onetry');
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          await sleep(1000);
        }
      }
    }
  }

  /** `node` drops every peer, and every other node drops `node`. */
  private async dropLinks(node: NodeName): Promise<void> {
    const info = await this.rpc<{ peerid?: string }>(node, 'getnetworkinfo');
    const peers = await this.rpc<Array<{ peerId: string }>>(node, 'getpeerinfo');
    await Promise.all(peers.map((peer) => this.rpc(node, 'disconnectnode', peer.peerId).catch(() => undefined)));
    if (!info.peerid) return;
    await Promise.all(NODES.filter((other) => other !== node).map((other) => this.rpc(other, 'disconnectnode', info.peerid).catch(() => undefined)));
  }
}

/**
 * Posts a JSON-RPC body to the node inside a container (its own 127.0.0.1:28632, the demo
 * network's RPC port, with the credentials of its environment); answers the reply text.
 */
export async function execRpc(containerId: string, body: string): Promise<string> {
  const script =
    "let b='';process.stdin.on('data',c=>b+=c).on('end',async()=>{const a=Buffer.from(process.env.POWCOIN_RPC_USER+':'+process.env.POWCOIN_RPC_PASSWORD).toString('base64');" +
    "const r=await fetch('http://127.0.0.1:28632/',{method:'POST',headers:{'content-type':'application/json',authorization:'Basic '+a},body:b});process.stdout.write(await r.text())})";
  return must('docker', ['exec', '-i', containerId, 'node', '-e', script], { input: body });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function formatHashrate(h: number): string {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s'];
  let i = 0;
  while (h >= 1000 && i < units.length - 1) {
    h /= 1000;
    i++;
  }
  return `${h.toFixed(i === 0 ? 0 : 2)} ${units[i]}`;
}

export function statusTable(rows: readonly NodeStatus[]): string {
  const header = ['node', 'height', 'tip', 'peers', 'hash rate', 'net hash rate', 'balance', 'mempool', 'network'];
  const lines = rows.map((r) => [r.node, String(r.height), `${r.tip.slice(0, 16)}…`, String(r.peers), formatHashrate(r.hashrate), formatHashrate(r.networkHashrate), r.balance.toFixed(8), String(r.mempool), r.connected ? 'joined' : 'CUT OFF']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 2 || i === 8 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const tips = new Set(rows.map((r) => r.tip));
  return [fmt(header), ...lines.map(fmt), tips.size === 1 ? 'all nodes on one tip' : `${tips.size} different tips`].join('\n');
}

function nodeArg(value: string | undefined, what: string): NodeName {
  if (!NODES.includes(value as NodeName)) throw new TestnetError(`${what} must be one of ${NODES.join(', ')}, got ${value ?? 'nothing'}`);
  return value as NodeName;
}

const USAGE = `usage: testnet.ts <command>
  up                     make Docker usable, build the image, start seed, miner1, miner2, wallet
  status                 height, tip, peers, hash rate and balance of each node, side by side
  pay FROM TO AMOUNT     FROM's wallet pays AMOUNT coins to a new address of TO's
  partition NODE         cut NODE off the network (docker network disconnect)
  heal NODE              join it again (docker network connect) and reconnect it to the seed
  down                   stop and remove the containers, the network and the volumes
nodes: ${NODES.join(', ')}`;

export async function cli(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === 'up') {
    const docker = await ensureDocker();
    if (!docker.ok) {
      process.stderr.write(`testnet: Docker cannot be used here: ${docker.reason}\n`);
      return 1;
    }
  }
  const testnet = new DockerTestnet();
  switch (command) {
    case 'up':
      await testnet.up();
      process.stdout.write(`${statusTable(await testnet.statuses())}\n`);
      process.stdout.write(`RPC: 127.0.0.1 ports ${NODES.map((n) => `${n} ${testnet.config.ports[n]}`).join(', ')} (credentials in docker/.env)\n`);
      return 0;
    case 'status':
      process.stdout.write(`${statusTable(await testnet.statuses())}\n`);
      return 0;
    case 'pay': {
      const [from, to, amount] = args;
      if (!amount || !(Number(amount) > 0)) throw new TestnetError('usage: pay FROM TO AMOUNT');
      const { txid, address } = await testnet.pay(nodeArg(from, 'FROM'), nodeArg(to, 'TO'), amount);
      process.stdout.write(`${from} paid ${amount} to ${to} (${address}): txid ${txid}\n`);
      return 0;
    }
    case 'partition':
      await testnet.partition(nodeArg(args[0], 'NODE'));
      process.stdout.write(`${args[0]} is cut off from ${testnet.config.network}; 'heal ${args[0]}' joins it again\n`);
      return 0;
    case 'heal':
      await testnet.heal(nodeArg(args[0], 'NODE'));
      process.stdout.write(`${args[0]} joined ${testnet.config.network} again; watch 'status' for the reorg\n`);
      return 0;
    case 'down':
      await testnet.down();
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: Error) => {
      process.stderr.write(`testnet: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
