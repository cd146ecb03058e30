/** Defaults and shared constants of the local testnet. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultConfigDir } from '../node/options.js';

export const DEFAULT_NODES = 4;
export const DEFAULT_BASE_PORT = 28700;
export const RPC_USER = 'testnet';
export const NETWORK_COPY = 'network.json';
export const HOST = '127.0.0.1';

/** `$POWCOIN_TESTNET_DIR`, else `~/.powcoin-testnet`. */
export function defaultTestnetDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.POWCOIN_TESTNET_DIR || join(homedir(), '.powcoin-testnet'));
}

/** The shipped demo network: `config/networks/demo.json`. */
export function demoNetworkConfig(): string {
  return join(defaultConfigDir(), 'networks', 'demo.json');
}

