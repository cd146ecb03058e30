import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mineCommand } from './mine.js';

const USAGE = `powcoin — a peer-to-peer proof-of-work cryptocurrency node

Usage: powcoin <command> [options]

Commands:
  help            show this help
  mine            mine; for now 'mine --benchmark' measures the hash rate
  version         show the version

Options:
  -h, --help      show this help
  -v, --version   show the version

Commands for running a node, mining and the wallet arrive as they are built;
see README.md for what exists today.`;

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
  if (command === 'mine') return mineCommand(rest);
  process.stderr.write(`powcoin: unknown command '${command}'; try 'powcoin --help'\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
