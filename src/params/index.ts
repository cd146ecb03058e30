import { bitcoin } from './bitcoin.js';
import { main } from './main.js';
import { regtest } from './regtest.js';
import { test } from './test.js';

export * from './types.js';
export * from './define.js';
export { bitcoin, main, regtest, test };

/**
 * The networks a node runs on. `bitcoin` (Bitcoin mainnet's parameters, exported beside them) is
 * not one: it is there to check consensus code against real Bitcoin data.
 */
export const networks = { main, test, regtest } as const;

export type NetworkName = keyof typeof networks;

export function isNetworkName(name: string): name is NetworkName {
  return Object.prototype.hasOwnProperty.call(networks, name);
}
