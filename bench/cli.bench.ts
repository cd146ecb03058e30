/**
 * `powcoin rpc getblockcount` wall time from the compiled CLI (bin/powcoin → dist/), against a
 * running regtest node, next to a bare `node -e 0` (the floor on this machine) and `--version`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage } from '../test/helpers/built-package.js';
import type { Figure } from './measure.js';
import { median, spawnNode } from './spawned-node.js';

export const title = 'cli: the compiled powcoin command, wall time per call (median of 11)';

const RUNS = 11;

function wallMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function run(): Promise<Figure[]> {
  const built = buildPackage();
  const datadir = mkdtempSync(join(tmpdir(), 'powcoin-bench-cli-'));
  try {
    const node = await spawnNode(built.bin, datadir);
    try {
      const rpc = [built.bin, 'rpc', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(node.rpcPort), 'getblockcount'];
      return [
        { name: 'powcoin rpc getblockcount (target < 150 ms)', value: wallMs(rpc), unit: 'ms' },
        { name: 'powcoin --version', value: wallMs([built.bin, '--version']), unit: 'ms' },
        { name: 'node -e 0 (the floor: starting Node itself)', value: wallMs(['-e', '0']), unit: 'ms' },
      ];
    } finally {
      await node.stop();
    }
  } finally {
    rmSync(datadir, { recursive: true, force: true });
    built.remove();
  }
}
