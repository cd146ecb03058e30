/**
 * The Swarm testnet (docker/stack.yml) from the command line and from tests:
 *
 *   node --import tsx scripts/docker/swarm.ts up [NODES] | status | down
 *
 * `up` makes Docker usable, turns this engine into a one-node swarm when it is in none (and
 * remembers that, so `down` leaves it again), builds the image and deploys the stack. Nodes are
 * reached with `docker exec` (the stack publishes no port). Environment: POWCOIN_SWARM_STACK
 * (stack name, default powcoin-swarm), POWCOIN_IMAGE (default powcoin:local).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerTestnet, TestnetError, dockerConfigFromEnv, dockerDir, ensureDocker, ensureEnvFile, execRpc, must, run, sleep } from '../../src/testnet/testnet.js';

const DOCKER_DIR = dockerDir();

const STACK_FILE = join(DOCKER_DIR, 'stack.yml');
/** Written when `up` made the swarm, so that `down` knows to leave it. */
const MADE_SWARM_MARK = join(DOCKER_DIR, '.swarm-made-here');

export interface SwarmNodeStatus {
  /** Service name without the stack prefix: seed, miner or node. */
  service: string;
  container: string;
  height: number;
  tip: string;
  peers: number;
  /** How many addresses its address book holds. */
  known: number;
}

export class SwarmTestnet {
  constructor(
    readonly stack: string = process.env.POWCOIN_SWARM_STACK || 'powcoin-swarm',
    readonly image: string = process.env.POWCOIN_IMAGE || 'powcoin:local',
  ) {
    ensureEnvFile();
  }

  /** Joins a one-node swarm when the engine is in none; true when this call created it. */
  async ensureSwarm(): Promise<boolean> {
    const state = (await must('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim();
    if (state === 'active') return false;
    await must('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
    writeFileSync(MADE_SWARM_MARK, `${new Date().toISOString()}\n`);
    return true;
  }

  async buildImage(): Promise<void> {
    const compose = new DockerTestnet({ ...dockerConfigFromEnv(), project: this.stack, network: this.stack, image: this.image });
    await compose.buildImages();
  }

  async deploy(nodes = 3): Promise<void> {
    const env = { ...process.env, POWCOIN_IMAGE: this.image, POWCOIN_SWARM_NODES: String(nodes) };
    await must('docker', ['stack', 'deploy', '--resolve-image', 'never', '-c', STACK_FILE, this.stack], { env, echo: true });
  }

  async scale(service: string, replicas: number): Promise<void> {
    await must('docker', ['service', 'scale', '--detach', `${this.stack}_${service}=${replicas}`]);
  }

  /** Running containers of the stack, with their service names. */
  async containers(): Promise<Array<{ id: string; service: string }>> {
    const out = await must('docker', ['ps', '--filter', `label=com.docker.stack.namespace=${this.stack}`, '--format', '{{.ID}} {{.Label "com.docker.swarm.service.name"}}']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, name] = line.split(' ');
        return { id, service: name.slice(this.stack.length + 1) };
      });
  }

  async rpc<T = unknown>(container: string, method: string, ...params: unknown[]): Promise<T> {
    const text = await execRpc(container, JSON.stringify({ jsonrpc: '1.0', id: 0, method, params }));
    const reply = JSON.parse(text) as { result: T; error: { message: string; code: number } | null };
    if (reply.error) throw new TestnetError('bad-reply', `${container}: ${method}: ${reply.error.message} (${reply.error.code})`);
    return reply.result;
  }

  /** Every running node's view; a node whose RPC is not up yet is left out. */
  async statuses(): Promise<SwarmNodeStatus[]> {
    const rows = await Promise.all(
      (await this.containers()).map(async ({ id, service }) => {
        try {
          const [chain, peers, known] = await Promise.all([
            this.rpc<{ blocks: number; bestblockhash: string }>(id, 'getblockchaininfo'),
            this.rpc<number>(id, 'getconnectioncount'),
            this.rpc<unknown[]>(id, 'getnodeaddresses', 0),
          ]);
          return { service, container: id, height: chain.blocks, tip: chain.bestblockhash, peers, known: known.length };
        } catch {
          return undefined;
        }
      }),
    );
    return rows.filter((row): row is SwarmNodeStatus => row !== undefined).sort((a, b) => a.service.localeCompare(b.service) || a.container.localeCompare(b.container));
  }

  /** Removes the stack and waits for its containers and network to go; leaves a swarm `up` made. */
  async down(): Promise<void> {
    await run('docker', ['stack', 'rm', this.stack]);
    const deadline = Date.now() + 120_000;
    while ((await this.leftovers()).length > 0) {
      if (Date.now() > deadline) throw new TestnetError('stop-failed', `stack ${this.stack} still has ${(await this.leftovers()).join(', ')} after 120 s`);
      await sleep(1000);
    }
    if (existsSync(MADE_SWARM_MARK)) {
      await must('docker', ['swarm', 'leave', '--force']);
      rmSync(MADE_SWARM_MARK);
    }
  }

  async leftovers(): Promise<string[]> {
    const label = `label=com.docker.stack.namespace=${this.stack}`;
    const [containers, networks, services] = await Promise.all([
      must('docker', ['ps', '-a', '-q', '--filter', label]),
      must('docker', ['network', 'ls', '-q', '--filter', label]),
      run('docker', ['service', 'ls', '-q', '--filter', label]).then((r) => (r.code === 0 ? r.stdout : '')),
    ]);
    return [
      ...containers.split('\n').filter(Boolean).map((id) => `container ${id}`),
      ...networks.split('\n').filter(Boolean).map((id) => `network ${id}`),
      ...services.split('\n').filter(Boolean).map((id) => `service ${id}`),
    ];
  }
}

export function swarmTable(rows: readonly SwarmNodeStatus[]): string {
  const lines = rows.map((r) => `${r.service.padEnd(6)} ${r.container}  height ${String(r.height).padStart(4)}  tip ${r.tip.slice(0, 16)}…  peers ${r.peers}  known ${r.known}`);
  const tips = new Set(rows.map((r) => r.tip));
  return [...lines, tips.size === 1 ? 'all nodes on one tip' : `${tips.size} different tips`].join('\n');
}

async function cli(argv: readonly string[]): Promise<number> {
  const [command, arg] = argv;
  const swarm = new SwarmTestnet();
  switch (command) {
    case 'up': {
      const docker = await ensureDocker();
      if (!docker.ok) throw new TestnetError('docker-unavailable', `Docker cannot be used here: ${docker.reason}`);
      await swarm.ensureSwarm();
      await swarm.buildImage();
      await swarm.deploy(arg ? Number(arg) : 3);
      process.stdout.write(`deployed stack ${swarm.stack}; 'status' shows the nodes as they come up\n`);
      return 0;
    }
    case 'status':
      process.stdout.write(`${swarmTable(await swarm.statuses())}\n`);
      return 0;
    case 'down':
      await swarm.down();
      return 0;
    default:
      process.stderr.write('usage: swarm.ts up [NODES] | status | down\n');
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: Error) => {
      process.stderr.write(`swarm: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
