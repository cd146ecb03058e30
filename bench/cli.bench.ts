/**
 * `powcoin rpc getblockcount` wall time from the compiled CLI, run as a shell runs it (bin/powcoin
 * through its shebang → the client bundle), against a running regtest node, next to a bare
 * `node -e 0` (the floor on this machine) and `--version`. The shebang starts Node without
 * NODE_EXTRA_CA_CERTS (see bin/powcoin); where the environment sets it, the floor without it and
 * `node bin/powcoin rpc getblockcount` (Node started with it) are printed too, so the gain from
 * the code and the gain from the start-up are told apart. The calls are timed from a small
 * dedicated process (bench/cli-timer.mjs), as a shell would run them: spawned from this big
 * process, every child starts tens of ms slower.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage } from '../test/helpers/built-package.js';
import type { Figure } from './measure.js';
import { median, spawnNode } from './spawned-node.js';

export const title = 'cli: the compiled powcoin command, wall time per call (median of 11, timed as from a shell)';

const RUNS = 11;

export async function run(): Promise<Figure[]> {
  const built = buildPackage();
  const datadir = mkdtempSync(join(tmpdir(), 'powcoin-bench-cli-'));
  try {
    const node = await spawnNode(built.bin, datadir);
    try {
      const nodePath = process.execPath;
      const rpc = ['rpc', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(node.rpcPort), 'getblockcount'];
      const extraCa = process.env.NODE_EXTRA_CA_CERTS ? [['env', '-u', 'NODE_EXTRA_CA_CERTS', nodePath, '-e', '0'], [nodePath, built.bin, ...rpc]] : [];
      const commands = [[nodePath, '-e', '0'], [built.bin, '--version'], [built.bin, ...rpc], ...extraCa];
      const timer = join(import.meta.dirname, 'cli-timer.mjs');
      const [floor, version, call, bareFloor, viaNode] = (JSON.parse(execFileSync(nodePath, [timer, String(RUNS), JSON.stringify(commands)], { encoding: 'utf8' })) as number[][]).map(median);
      const figures: Figure[] = [
        { name: 'node -e 0 (the floor: starting Node itself)', value: floor, unit: 'ms' },
        { name: 'powcoin --version', value: version, unit: 'ms' },
        { name: 'powcoin rpc getblockcount (target < 150 ms)', value: call, unit: 'ms' },
        { name: 'powcoin rpc getblockcount above the floor', value: call - floor, unit: 'ms' },
      ];
      if (bareFloor === undefined) return figures;
      return [
        ...figures,
        { name: 'node -e 0 without NODE_EXTRA_CA_CERTS (set here; the bin starts Node without it)', value: bareFloor, unit: 'ms' },
        { name: 'node bin/powcoin rpc getblockcount (Node loads NODE_EXTRA_CA_CERTS)', value: viaNode, unit: 'ms' },
        { name: 'node bin/powcoin rpc getblockcount above node -e 0', value: viaNode - floor, unit: 'ms' },
      ];
    } finally {
      await node.stop();
    }
  } finally {
    rmSync(datadir, { recursive: true, force: true });
    built.remove();
  }
}
