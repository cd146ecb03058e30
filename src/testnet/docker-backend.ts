/**
 * The docker back end: the containers of docker/docker-compose.yml (seed, miner1, miner2,
 * wallet; Prometheus with the `monitoring` profile). RPC goes to the ports published on
 * 127.0.0.1; a node cut off from the network has none then, so it is reached with `docker
 * exec`. A node is cut off by taking its container off the testnet's docker network.
 */
import { join } from 'node:path';
import { RpcError } from '../rpc/errors.js';
import type { MemberNode, TestnetBackend } from './backend.js';
import { packageRoot } from './defaults.js';
import { type Credentials, DOCKER_NODES, type DockerConfig, type DockerNodeName, MONITORING_PROFILE, SEED_ADDRESS, dockerConfigFromEnv, dockerDir, ensureEnvFile } from './docker-config.js';
import { composeCommand, execRpc, must, run } from './docker-run.js';
import { TestnetError } from './errors.js';
import type { Say } from './find.js';
import { until } from './wait.js';

interface RpcCall {
  method: string;
  params?: unknown[];
}

export class DockerTestnet implements TestnetBackend {
  readonly kind = 'docker';
  readonly network = 'demo';
  readonly nodes = DOCKER_NODES;
  readonly credentials: Credentials;
  private readonly ids = new Map<string, string>();
  private compose_: Promise<string[]> | undefined;

  constructor(
    readonly config: DockerConfig = dockerConfigFromEnv(),
    private readonly say: Say = (line) => process.stderr.write(`testnet: ${line}\n`),
  ) {
    this.credentials = ensureEnvFile(say);
  }

  get where(): string {
    return `compose project ${this.config.project}`;
  }

  /** The environment compose interpolates docker-compose.yml with. */
  private composeEnv(): NodeJS.ProcessEnv {
    const { ports } = this.config;
    return {
      ...process.env,
      POWCOIN_TESTNET_NETWORK: this.config.network,
      POWCOIN_IMAGE: this.config.image,
      POWCOIN_PROMETHEUS_IMAGE: this.config.prometheusImage,
      POWCOIN_SEED_RPC_PORT: String(ports.seed),
      POWCOIN_MINER1_RPC_PORT: String(ports.miner1),
      POWCOIN_MINER2_RPC_PORT: String(ports.miner2),
      POWCOIN_WALLET_RPC_PORT: String(ports.wallet),
      POWCOIN_PROMETHEUS_PORT: String(this.config.prometheusPort),
    };
  }

  /** `docker compose -p PROJECT -f docker/docker-compose.yml [--profile P] ARGS`. */
  async compose(args: readonly string[], options: { echo?: boolean; profiles?: readonly string[] } = {}): Promise<string> {
    const [cmd, ...pre] = await (this.compose_ ??= composeCommand());
    const profiles = (options.profiles ?? (this.config.monitoring ? [MONITORING_PROFILE] : [])).flatMap((profile) => ['--profile', profile]);
    return must(cmd, [...pre, '-p', this.config.project, '-f', join(dockerDir(), 'docker-compose.yml'), ...profiles, ...args], { env: this.composeEnv(), echo: options.echo });
  }

  /** The base image (pulled, or built here from Debian packages), the powcoin image on it, and with monitoring the Prometheus image. */
  async buildImages(echo = true): Promise<void> {
    const scripts = join(packageRoot(), 'scripts', 'docker');
    const base = (await must('bash', [join(scripts, 'build-base-image.sh')], { echo })).trim().split('\n').at(-1)!;
    // Docker's CLI needs the buildx plugin for BuildKit; without it, the classic builder.
    const buildkit = (await run('docker', ['buildx', 'version'])).code === 0;
    const env = buildkit ? process.env : { ...process.env, DOCKER_BUILDKIT: '0' };
    const build = async (image: string, dockerfile: string, context: string) => {
      this.say(`building ${image} on ${base}${buildkit ? '' : ' (classic builder)'}`);
      const started = Date.now();
      await must('docker', ['build', '-q', '-f', dockerfile, '--build-arg', `BASE_IMAGE=${base}`, '-t', image, context], { env });
      this.say(`built ${image} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    };
    await build(this.config.image, join(dockerDir(), 'Dockerfile'), packageRoot());
    if (this.config.monitoring) await build(this.config.prometheusImage, join(dockerDir(), 'prometheus', 'Dockerfile'), join(dockerDir(), 'prometheus'));
  }

  async up(options: { build?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (options.build !== false) await this.buildImages();
    await this.compose(['up', '-d', '--no-build'], { echo: true });
    await this.waitReady(options.timeoutMs ?? 240_000);
  }

  /** Removes the containers (Prometheus's too, whether or not it was started), the network and the volumes. */
  async down(echo = true): Promise<void> {
    await this.compose(['down', '--volumes', '--remove-orphans', '--timeout', '30'], { echo, profiles: [MONITORING_PROFILE] });
    this.ids.clear();
  }

  async containerId(node: string): Promise<string> {
    const known = this.ids.get(node);
    if (known) return known;
    const id = (await this.compose(['ps', '-q', node])).trim();
    if (!id) throw new TestnetError('no-testnet', `no container for ${node} in compose project ${this.config.project}; run 'up' first`);
    this.ids.set(node, id);
    return id;
  }

  /** `healthy`, `starting`, `unhealthy`, or the container's state when it has no health check. */
  async health(node: string): Promise<string> {
    return (await must('docker', ['inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}', await this.containerId(node)])).trim();
  }

  /**
   * Waits until every node's container runs and its RPC answers. Not Docker's health status: on
   * a loaded machine its check (a node process started every 5 s with an 8 s timeout) can turn
   * `unhealthy` while the node serves RPC well; a call that answers is what `up` promises.
   */
  async waitReady(timeoutMs: number): Promise<void> {
    const pending = new Set(this.nodes.map((node) => node.name));
    try {
      await until('every node to answer its RPC', timeoutMs, async () => {
        for (const node of this.nodes) {
          if (!pending.has(node.name)) continue;
          if (!(await this.running(node))) continue;
          await this.call<number>(node, 'getblockcount', [], 10_000).then(
            () => pending.delete(node.name),
            () => undefined,
          );
        }
        return pending.size === 0;
      }, 1_000);
    } catch (err) {
      const states = await Promise.all([...pending].map(async (name) => `${name}=${await this.health(name).catch(() => 'gone')}`));
      throw new TestnetError('start-failed', `${[...pending].join(', ')} did not answer RPC within ${timeoutMs / 1000} s (docker: ${states.join(', ')}): ${(err as Error).message}`);
    }
  }

  /** Whether the node's container is attached to the testnet network (not cut off). */
  async isConnected(node: string): Promise<boolean> {
    const networks = await must('docker', ['inspect', '-f', '{{json .NetworkSettings.Networks}}', await this.containerId(node)]);
    return Object.keys(JSON.parse(networks) as Record<string, unknown>).includes(this.config.network);
  }

  /** Posts a JSON-RPC body to one node: over its published port, or with `docker exec` when it is cut off (no port then). */
  private async post(node: string, body: string, timeoutMs = 60_000): Promise<string> {
    const port = this.config.ports[node as DockerNodeName];
    if (port === undefined || !(await this.isConnected(node))) return execRpc(await this.containerId(node), body);
    const auth = Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString('base64');
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.text();
  }

  /** A JSON-RPC batch to one node; each call's result, or the first error as an RpcError. */
  async batch(node: string, calls: readonly RpcCall[], timeoutMs = 60_000): Promise<unknown[]> {
    const body = JSON.stringify(calls.map((call, id) => ({ jsonrpc: '1.0', id, method: call.method, params: call.params ?? [] })));
    const text = await this.post(node, body, timeoutMs);
    let replies: Array<{ id: number; result: unknown; error: { code: number; message: string } | null }>;
    try {
      replies = JSON.parse(text);
    } catch {
      throw new TestnetError('bad-reply', `${node}: not a JSON-RPC reply: ${text.slice(0, 200)}`);
    }
    return calls.map((call, id) => {
      const reply = replies.find((r) => r.id === id);
      if (!reply) throw new TestnetError('bad-reply', `${node}: no reply to ${call.method}`);
      // The RPC client's own error, as the local back end throws: callers match on its code.
      if (reply.error) throw new RpcError(reply.error.code, `${node}: ${call.method}: ${reply.error.message}`);
      return reply.result;
    });
  }

  async call<T = unknown>(node: MemberNode, method: string, params: unknown[] = [], timeoutMs?: number): Promise<T> {
    return (await this.batch(node.name, [{ method, params }], timeoutMs))[0] as T;
  }

  callRaw(node: MemberNode, method: string, params: unknown[] = []): Promise<string> {
    return this.post(node.name, JSON.stringify({ jsonrpc: '1.0', id: 0, method, params }));
  }

  /** `call` by service name. */
  rpc<T = unknown>(node: DockerNodeName, method: string, ...params: unknown[]): Promise<T> {
    return this.call<T>({ name: node, index: -1, role: 'wallet' }, method, params);
  }

  async running(node: MemberNode): Promise<boolean> {
    try {
      return (await must('docker', ['inspect', '-f', '{{.State.Running}}', await this.containerId(node.name)])).trim() === 'true';
    } catch (err) {
      if (err instanceof TestnetError) return false;
      throw err;
    }
  }

  async handle(node: MemberNode): Promise<string | undefined> {
    return (await this.containerId(node.name)).slice(0, 12);
  }

  async isolated(node: MemberNode): Promise<boolean> {
    return !(await this.isConnected(node.name));
  }

  async seedAddress(): Promise<string> {
    return SEED_ADDRESS;
  }

  /**
   * Takes the container off the testnet network, then closes its p2p connections on both ends
   * until none is left: a TCP connection over a vanished interface is otherwise only noticed
   * after timeouts, and one that outlived the cut would skip the resync on healing. Closing
   * before leaving the network raced the connection manager, which redialled in between.
   */
  async cut(node: MemberNode, timeoutMs = 45_000): Promise<void> {
    await must('docker', ['network', 'disconnect', this.config.network, await this.containerId(node.name)]);
    await until(`${node.name}'s links to close after leaving the network`, timeoutMs, async () => {
      await this.dropLinks(node);
      return (await this.call<number>(node, 'getconnectioncount', [], 10_000)) === 0;
    }, 1_000);
  }

  /** Puts the container back on the network under its service name, with no stale connection left. */
  async rejoin(node: MemberNode): Promise<void> {
    if (await this.isConnected(node.name)) return;
    await this.dropLinks(node);
    await must('docker', ['network', 'connect', '--alias', node.name, this.config.network, await this.containerId(node.name)]);
  }

  /** Docker knows by itself: a cut-off container is off the network. */
  async markIsolated(): Promise<void> {}

  whereToLook(node: MemberNode): string {
    return `'docker logs ${this.config.project}_${node.name}_1' (or docker compose -p ${this.config.project} logs ${node.name})`;
  }

  /** NODE drops every peer, and every other node drops NODE. */
  private async dropLinks(node: MemberNode): Promise<void> {
    const info = await this.call<{ peerid?: string }>(node, 'getnetworkinfo');
    const peers = await this.call<Array<{ peerId: string }>>(node, 'getpeerinfo');
    await Promise.all(peers.map((peer) => this.call(node, 'disconnectnode', [peer.peerId]).catch(() => undefined)));
    if (!info.peerid) return;
    await Promise.all(this.nodes.filter((other) => other.name !== node.name).map((other) => this.call(other, 'disconnectnode', [info.peerid]).catch(() => undefined)));
  }
}
