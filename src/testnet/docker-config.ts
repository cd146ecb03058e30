/**
 * What the docker back end runs: the compose file's four nodes, the compose project, the ports
 * published on 127.0.0.1 and the RPC credentials of docker/.env, as plain data.
 */
import { chmodSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemberNode } from './backend.js';
import { packageRoot } from './defaults.js';
import { TestnetError } from './errors.js';

/** The nodes of docker/docker-compose.yml, by service name. */
export const DOCKER_NODES = [
  { name: 'seed', index: 0, role: 'seed' },
  { name: 'miner1', index: 1, role: 'miner' },
  { name: 'miner2', index: 2, role: 'miner' },
  { name: 'wallet', index: 3, role: 'wallet' },
] as const satisfies readonly MemberNode[];
export type DockerNodeName = (typeof DOCKER_NODES)[number]['name'];

/** The seed's peer id (docker/seed/p2p.key); the compose file names it too. */
export const SEED_PEER_ID = '12D3KooWCqLFNsJVPEwv8MD5nP1tQoaXh6Zpi3TU8jNK7PiJAK5k';
export const SEED_ADDRESS = `/dns4/seed/tcp/28633/p2p/${SEED_PEER_ID}`;
/** The compose profile that adds Prometheus. */
export const MONITORING_PROFILE = 'monitoring';

export interface DockerConfig {
  /** The compose project (container, volume and network names start with it). */
  project: string;
  /** The docker network the nodes share (partition takes a node off it). */
  network: string;
  image: string;
  /** The Prometheus image of the monitoring profile (docker/prometheus/Dockerfile). */
  prometheusImage: string;
  /** RPC ports published on 127.0.0.1. */
  ports: Record<DockerNodeName, number>;
  prometheusPort: number;
  /** Start the monitoring profile (Prometheus) with the nodes. */
  monitoring: boolean;
}

export function dockerDir(): string {
  return join(packageRoot(), 'docker');
}

/**
 * From the environment: POWCOIN_TESTNET_PROJECT (default powcoin-testnet), POWCOIN_TESTNET_NETWORK
 * (default: the project), POWCOIN_IMAGE (powcoin:local), POWCOIN_PROMETHEUS_IMAGE
 * (powcoin-prometheus:local), POWCOIN_{SEED,MINER1,MINER2,WALLET}_RPC_PORT (28801..28804),
 * POWCOIN_PROMETHEUS_PORT (9090).
 */
export function dockerConfigFromEnv(env: NodeJS.ProcessEnv = process.env, monitoring = false): DockerConfig {
  const project = env.POWCOIN_TESTNET_PROJECT || 'powcoin-testnet';
  const port = (name: string, fallback: number) => {
    const text = env[name];
    if (!text) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new TestnetError('usage', `${name} must be a port number, got '${text}'`);
    return value;
  };
  return {
    project,
    network: env.POWCOIN_TESTNET_NETWORK || project,
    image: env.POWCOIN_IMAGE || 'powcoin:local',
    prometheusImage: env.POWCOIN_PROMETHEUS_IMAGE || 'powcoin-prometheus:local',
    ports: {
      seed: port('POWCOIN_SEED_RPC_PORT', 28801),
      miner1: port('POWCOIN_MINER1_RPC_PORT', 28802),
      miner2: port('POWCOIN_MINER2_RPC_PORT', 28803),
      wallet: port('POWCOIN_WALLET_RPC_PORT', 28804),
    },
    prometheusPort: port('POWCOIN_PROMETHEUS_PORT', 9090),
    monitoring,
  };
}

export interface Credentials {
  user: string;
  password: string;
}

/** Creates docker/.env from docker/testnet.env.example when missing; answers the RPC credentials in it. */
export function ensureEnvFile(say: (line: string) => void = () => undefined): Credentials {
  const envFile = join(dockerDir(), '.env');
  if (!existsSync(envFile)) {
    copyFileSync(join(dockerDir(), 'testnet.env.example'), envFile);
    chmodSync(envFile, 0o600); // it holds the RPC password
    say(`created ${envFile} from docker/testnet.env.example`);
  }
  const vars = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );
  if (!vars.POWCOIN_RPC_USER || !vars.POWCOIN_RPC_PASSWORD) throw new TestnetError('bad-state', `${envFile} must set POWCOIN_RPC_USER and POWCOIN_RPC_PASSWORD`);
  return { user: vars.POWCOIN_RPC_USER, password: vars.POWCOIN_RPC_PASSWORD };
}
