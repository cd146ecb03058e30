/**
 * One testnet orchestrator, two back ends. A testnet is a seed (every other node starts from it;
 * it does not mine), miners and wallet nodes; the verbs are up, status, pay, partition, heal,
 * rpc and down, the same for both back ends:
 *
 * - local (`powcoin testnet ...`): N `powcoin node` processes on 127.0.0.1, each with its own
 *   data dir and ports under one directory (local-up.ts, local-down.ts, local-backend.ts);
 * - docker (`powcoin testnet --docker ...`, `npm run testnet:docker:*`): the containers of
 *   docker/docker-compose.yml, with an optional Prometheus (docker-backend.ts, docker-*.ts).
 *
 * What a testnet is used for (status, pay, partition, heal) is RPC calls to its nodes, written
 * once (status.ts, actions.ts) against TestnetBackend; the CLI only parses and prints.
 */
export { TestnetError, type TestnetErrorCode } from './errors.js';
export type { MemberNode, NodeRole, TestnetBackend } from './backend.js';
export type { TestnetNode, TestnetState } from './local-state.js';
export { readState, isAlive, isOurDaemon } from './local-state.js';
export * from './defaults.js';
export * from './find.js';
export * from './wait.js';
export { LocalBackend, clientFor, logTail } from './local-backend.js';
export * from './local-up.js';
export * from './local-down.js';
export * from './status.js';
export * from './actions.js';
export { DockerTestnet } from './docker-backend.js';
export * from './docker-config.js';
export { type DockerCheck, ensureDocker, execRpc, must, run } from './docker-run.js';
