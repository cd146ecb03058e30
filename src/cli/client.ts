/**
 * The client half of the CLI: `--help`, `--version`, `rpc` and `wallet`. It imports only the RPC
 * client (no libp2p, LevelDB, fastify or workers), and `npm run build` also bundles it into one
 * CommonJS file (dist/src/cli/client.cjs) that bin/powcoin requires: Node loads one file instead
 * of a dozen ES modules through the ESM loader, which keeps a call near Node's own start time.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const USAGE = `powcoin — a peer-to-peer proof-of-work cryptocurrency node

Usage: powcoin <command> [options]

Commands:
  node            run a node (powcoin node --help lists its options)
  rpc             call the node's JSON-RPC, as bitcoin-cli: powcoin rpc getblockcount
  wallet          shortcuts: powcoin wallet address | balance | send ADDRESS AMOUNT
  mine            mine against a node over getblocktemplate, or 'mine --benchmark'
  testnet         a local multi-node testnet: powcoin testnet up | status | pay | partition | heal | down
  help            show this help
  version         show the version

Options:
  -h, --help      show this help
  -v, --version   show the version

Quick start: 'npm start' runs a regtest node that mines; see docs/running-a-node.md.`;

export function packageVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(here, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'powcoin' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate: the layout differs between src/ (tsx) and dist/src/ (compiled)
    }
  }
  return 'unknown';
}

/** Runs a client command and returns its exit code, or undefined when `argv` names a node-side command. */
export async function clientMain(argv: readonly string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'version' || command === '--version' || command === '-v') {
    process.stdout.write(`powcoin ${packageVersion()}\n`);
    return 0;
  }
  // Loaded on use: --help and --version need no socket code (node:net and its streams).
  if (command === 'rpc') return (await import('./rpc.js')).rpcCommand(rest);
  if (command === 'wallet') return (await import('./wallet.js')).walletCommand(rest);
  return undefined;
}
