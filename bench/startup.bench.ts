/**
 * Restart to first RPC answer (getblockcount with a result, not -28) of the compiled node, with
 * a 1,000-block regtest chain whose coinbases pay the node's own wallet (1,000 wallet txs), and
 * with a 100,000-block chain (built once by this bench, kept in the temp dir for later runs).
 * Targets: 1,000 blocks ≤ 0.46 s (bcoin's time on this machine kind), 100,000 blocks ≤ 2 s.
 *
 * Blocks made back to back get times just past the median of the last 11, which climbs faster
 * than the wall clock and hits `time-too-new` (2 h ahead) after about 7,000 blocks: the builder
 * dates them with `setmocktime` instead, starting one second per block before now, so the tip
 * ends near the real time and a restarted node (on the system clock) takes the chain as it is.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_VERSION } from '../src/store/layout.js';
import { buildPackage } from '../test/helpers/built-package.js';
import type { Figure } from './measure.js';
import { median, spawnNode } from './spawned-node.js';

export const title = 'startup: restart to first RPC answer, compiled node (median of 3)';

const OTHER_ADDRESS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
const BIG = Number(process.env.POWCOIN_BENCH_STARTUP_BLOCKS ?? 100_000);

async function buildChain(bin: string, datadir: string, blocks: number, toWallet: boolean): Promise<void> {
  const node = await spawnNode(bin, datadir);
  try {
    const client = node.client();
    const address = toWallet ? await client.call<string>('getnewaddress') : OTHER_ADDRESS;
    const start = Math.floor(Date.now() / 1000) - blocks;
    for (let done = 0; done < blocks; done += 1000) {
      await client.call('setmocktime', [start + done]);
      await client.call('generatetoaddress', [Math.min(1000, blocks - done), address]);
    }
  } finally {
    await node.stop();
  }
}

async function restartMs(bin: string, datadir: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const node = await spawnNode(bin, datadir);
    times.push(node.firstAnswerMs);
    await node.stop();
  }
  return median(times);
}

export async function run(): Promise<Figure[]> {
  const built = buildPackage();
  const small = mkdtempSync(join(tmpdir(), 'powcoin-bench-startup-'));
  // Kept between runs: building 100,000 blocks takes minutes; the marker says it is complete.
  // The store's schema version is in the name: a layout change builds a new one.
  const big = join(tmpdir(), `powcoin-bench-startup-${BIG}-schema${SCHEMA_VERSION}`);
  try {
    const figures: Figure[] = [];
    await buildChain(built.bin, small, 1000, true);
    figures.push({ name: 'restart, 1,000 blocks, wallet of 1,000 txs (target ≤ 460 ms)', value: await restartMs(built.bin, small), unit: 'ms' });
    if (!existsSync(join(big, 'complete'))) {
      rmSync(big, { recursive: true, force: true });
      const start = performance.now();
      await buildChain(built.bin, big, BIG, false);
      writeFileSync(join(big, 'complete'), '');
      figures.push({ name: `building the ${BIG.toLocaleString('en-US')}-block chain once (generatetoaddress)`, value: (performance.now() - start) / 1000, unit: 's' });
    }
    figures.push({ name: `restart, ${BIG.toLocaleString('en-US')} blocks (target ≤ 2,000 ms)`, value: await restartMs(built.bin, big), unit: 'ms' });
    return figures;
  } finally {
    rmSync(small, { recursive: true, force: true });
    built.remove();
  }
}
