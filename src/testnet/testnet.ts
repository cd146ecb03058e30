/**
 * A local testnet without Docker: N `powcoin node` processes on 127.0.0.1, each with its own
 * data dir and ports under one directory, connected through a seed (node0). The operations
 * behind `powcoin testnet up|status|pay|partition|heal|down|rpc`; the CLI only parses and prints.
 *
 * Roles: node0 is the seed (every other node dials it; it does not mine), node1..K mine (with
 * 1, 2, ... threads, so their hash rates differ), the rest are wallet nodes that only relay,
 * validate and pay.
 */
export { TestnetError } from './state.js';
export type { NodeRole, TestnetNode, TestnetState } from './state.js';
export { readState, isAlive, isOurDaemon } from './state.js';
export * from './defaults.js';
export * from './rpc.js';
export * from './up.js';
export * from './status.js';
export * from './actions.js';
export * from './down.js';
