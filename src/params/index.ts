import { bitcoin } from './bitcoin.js';
import { main } from './main.js';
import { regtest } from './regtest.js';
import { test } from './test.js';

export * from './types.js';
export * from './define.js';
export { bitcoin, main, regtest, test };

/** The built-in networks; `bitcoin` is Bitcoin mainnet, for checking consensus code against real data. */
export const networks = { main, test, regtest, bitcoin } as const;

export type NetworkName = keyof typeof networks;

export function isNetworkName(name: string): name is NetworkName {
  return Object.prototype.hasOwnProperty.call(networks, name);
}
