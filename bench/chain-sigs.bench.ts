import type { SignatureCheck } from '../src/consensus/p2wpkh.js';
import { SignatureCache } from '../src/verify/sig-cache.js';
import { InlineVerifier, type SignatureVerifier, WorkerPoolVerifier, verifyWithCache } from '../src/verify/sig-verifier.js';
import { makeSignatureChecks } from '../test/helpers/sig-checks.js';
import { type Figure, duration, rate } from './measure.js';

export const title = 'chain: block signature verification (ECDSA over worker threads)';

const BATCH = 2_000;
/**
 * Batches are cycled so that 10,000 distinct keys pass through the parsed-key cache of
 * native-verify (4,096 entries per thread, cleared when full): even a worker that sees half of
 * each batch keeps missing it, as for a fresh block, instead of measuring a warm key cache.
 */
const BATCH_SETS = 5;

/** An experiment, not an API: one worker takes the first half while the main thread does the rest. */
class WorkerPlusMainVerifier implements SignatureVerifier {
  private readonly inline = new InlineVerifier();
  constructor(private readonly pool: WorkerPoolVerifier) {}

  async verifyAll(checks: readonly SignatureCheck[]): Promise<number> {
    const half = Math.ceil(checks.length / 2);
    const first = this.pool.verifyAll(checks.slice(0, half));
    const second = await this.inline.verifyAll(checks.slice(half)); // runs while the worker works
    const failed = await first;
    if (failed >= 0) return failed;
    return second < 0 ? -1 : half + second;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

async function coldRate(name: string, verifier: SignatureVerifier, sets: SignatureCheck[][]): Promise<Figure> {
  let next = 0;
  await verifier.verifyAll(sets[0]); // starts the workers outside the timing
  return rate(name, () => verifier.verifyAll(sets[next++ % sets.length]), { seconds: 3, opsPerCall: BATCH, unit: 'verifies/s' });
}

async function warmRate(name: string, verifier: SignatureVerifier, checks: SignatureCheck[]): Promise<Figure> {
  const cache = new SignatureCache();
  await verifyWithCache(verifier, cache, checks);
  return rate(name, () => verifyWithCache(verifier, cache, checks), { opsPerCall: BATCH, unit: 'checks/s' });
}

/** Latency of one small batch: what `minBatchForWorkers` trades off. */
async function smallBatchFigures(sets: SignatureCheck[][]): Promise<Figure[]> {
  const inline = new InlineVerifier();
  const pool = new WorkerPoolVerifier({ threads: 2, minBatchForWorkers: 0 });
  await pool.verifyAll(sets[0]);
  const figures: Figure[] = [];
  for (const size of [1, 4, 16, 64]) {
    const batch = sets[1].slice(0, size);
    figures.push(await duration(`batch of ${size}: inline`, () => inline.verifyAll(batch), 20));
    figures.push(await duration(`batch of ${size}: 2 workers`, () => pool.verifyAll(batch), 20));
  }
  await pool.close();
  return figures;
}

export async function run(): Promise<Figure[]> {
  const sets = Array.from({ length: BATCH_SETS }, (_, seed) => makeSignatureChecks(BATCH, seed));
  const verifiers: [string, SignatureVerifier][] = [
    ['inline (main thread)', new InlineVerifier()],
    ['1 worker', new WorkerPoolVerifier({ threads: 1, minBatchForWorkers: 0 })],
    ['2 workers', new WorkerPoolVerifier({ threads: 2, minBatchForWorkers: 0 })],
    ['1 worker + main thread (experiment)', new WorkerPlusMainVerifier(new WorkerPoolVerifier({ threads: 1, minBatchForWorkers: 0 }))],
  ];
  const figures: Figure[] = [];
  for (const [name, verifier] of verifiers) figures.push(await coldRate(`${BATCH.toLocaleString('en-US')} checks, cold, ${name}`, verifier, sets));
  for (const [name, verifier] of verifiers.slice(0, 3)) figures.push(await warmRate(`${BATCH.toLocaleString('en-US')} checks, all cached, ${name}`, verifier, sets[0]));
  for (const [, verifier] of verifiers) await verifier.close();
  figures.push(...(await smallBatchFigures(sets)));
  return figures;
}
