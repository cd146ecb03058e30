import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Subcommands load lazily: `rpc`, `wallet`, `--help` and `--version` must not pay for the node
// stack (libp2p, LevelDB, fastify, workers), which takes over a second to import.

const USAGE = `powcoin — a peer-to-peer proof-of-work cryptocurrency node

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

function packageVersion(): string {
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

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'version' || command === '--version' || command === '-v') {
    process.stdout.write(`powcoin ${packageVersion()}\n`);
    return 0;
  }
  if (command === 'rpc') return (await import('./rpc.js')).rpcCommand(rest);
  if (command === 'wallet') return (await import('./wallet.js')).walletCommand(rest);
  if (command === 'mine') return (await import('./mine.js')).mineCommand(rest);
  if (command === 'testnet') return (await import('./testnet.js')).testnetCommand(rest);
  if (command === 'node') {
    // Exit explicitly once stopped: a straggling handle must not keep a stopped daemon alive.
    process.exit(await (await import('./node.js')).nodeCommand(rest));
  }
  process.stderr.write(`powcoin: unknown command '${command}'; try 'powcoin --help'\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
