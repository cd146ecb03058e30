import { createHash } from 'node:crypto';
import { NoncePool } from '../src/miner/nonce-pool.js';
import { PreparedSearch, type SearchImpl } from '../src/miner/search.js';
import { wasmSimdSupported } from '../src/primitives/wasm/wasm-api.js';
import { type Figure, rate } from './measure.js';

export const title = 'miner (double SHA-256 of an 80-byte header; target 0, so every nonce is hashed)';

const HEADER = new Uint8Array(80).fill(0x5a);
const SLICE = 1 << 16;

function loopFigure(impl: SearchImpl, name: string): Promise<Figure> {
  const search = new PreparedSearch(HEADER, 0n, impl);
  let next = 0;
  return rate(
    name,
    () => {
      search.search(next, next + SLICE);
      next = (next + SLICE) % 2 ** 32;
    },
    { opsPerCall: SLICE, seconds: 2, unit: 'hashes/s' },
  );
}

/** node:crypto the naive way: serialize, two createHash calls per nonce. */
function naiveFigure(): Promise<Figure> {
  const header = Buffer.from(HEADER);
  let nonce = 0;
  return rate(
    'naive createHash x2 per nonce (node:crypto), 1 thread',
    () => {
      for (let i = 0; i < 1000; i++) {
        header.writeUInt32LE(nonce++ >>> 0, 76);
        createHash('sha256').update(createHash('sha256').update(header).digest()).digest();
      }
    },
    { opsPerCall: 1000, seconds: 2, unit: 'hashes/s' },
  );
}

/** Hashes per second of the whole pool over `seconds`, after a warm-up (worker start, WASM tier-up). */
async function poolFigure(threads: number, seconds = 3): Promise<Figure> {
  const pool = new NoncePool({ threads });
  const mining = pool.mine({ header: HEADER, target: 0n });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const startHashes = pool.hashes;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const value = ((pool.hashes - startHashes) * 1000) / (performance.now() - start);
  pool.cancel();
  await mining;
  await pool.close();
  return { name: `nonce pool, ${threads} worker${threads > 1 ? 's' : ''} (${pool.options.impl}), total`, value, unit: 'hashes/s' };
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const wasm = wasmSimdSupported() ? await loopFigure('wasm', 'WASM SIMD 4-way midstate loop, 1 thread') : undefined;
  if (wasm) figures.push(wasm);
  figures.push(await loopFigure('js', 'plain JS midstate loop, 1 thread'));
  const naive = await naiveFigure();
  figures.push(naive);
  // Per thread, side by side: the mining loop against the obvious native-code loop.
  if (wasm) figures.push({ name: 'WASM SIMD per thread / naive node:crypto per thread', value: wasm.value / naive.value, unit: 'x' });
  figures.push(await poolFigure(1));
  figures.push(await poolFigure(2));
  return figures;
}
