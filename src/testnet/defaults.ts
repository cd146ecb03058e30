/** Defaults and shared constants of the testnets. */
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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


/** The package's root (it holds package.json, config/ and docker/): from src/testnet/ under tsx, or dist/src/testnet/ compiled. */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const root = resolve(here, up);
    if (existsSync(join(root, 'package.json')) && existsSync(join(root, 'config'))) return root;
  }
  return resolve(here, '../..');
}
