import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type MineResult, NoncePool } from '../../src/miner/nonce-pool.js';
import { searchNonces } from '../../src/miner/search.js';
import { hashToHex } from '../../src/primitives/bytes.js';
import { hashNumber, opensslSha256d, withNonce } from './reference.js';

/**
 * Hang guard only, never a speed check: a job here takes milliseconds of hashing, but the first
 * one waits for worker threads to start (seconds on a loaded machine). A broken cancel, on the
 * other hand, leaves a target-0 job searching 2^32 nonces, which takes far longer than this.
 */
const HANG_GUARD_MS = 120_000;
function within<T>(promise: Promise<T>, what: string, ms = HANG_GUARD_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms (a hang: a job here needs milliseconds of hashing once the workers run)`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Waits until the pool has reported hashes beyond `since`: its workers are searching. */
async function searching(pool: NoncePool, since: number): Promise<void> {
  const deadline = Date.now() + HANG_GUARD_MS;
  while (pool.hashes <= since) {
    if (Date.now() > deadline) throw new Error(`the pool reported no hashes within ${HANG_GUARD_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function assertSolves(header: Uint8Array, target: bigint, result: MineResult): number {
  assert.ok('nonce' in result, `expected a solution, got ${JSON.stringify(result)}`);
  const hash = opensslSha256d(withNonce(header, result.nonce));
  assert.ok(hashNumber(hash) <= target);
  assert.equal(result.hash, hashToHex(hash));
  return result.nonce;
}

for (const impl of ['wasm', 'js'] as const) {
  describe(`nonce pool, ${impl} loop, 2 workers`, () => {
    const pool = new NoncePool({ threads: 2, impl, chunkSize: 1 << 12 });
    after(() => pool.close());

    test('finds the nonce the pure function finds, when it is the only one in the range', async () => {
      const header = randomBytes(80);
      const target = 1n << 242n; // about 1 nonce in 16,384
      const first = searchNonces({ header, target, startNonce: 1000, endNonce: 2 ** 32 });
      assert.ok(first.nonce !== undefined);
      // [1000, first] spans several chunks, so both workers search and only one holds the answer
      const result = await within(pool.mine({ header, target, startNonce: 1000, endNonce: first.nonce + 1 }), 'mine');
      assert.equal(assertSolves(header, target, result), first.nonce);
    });

    test('any nonce it returns over the whole range is valid', async () => {
      const header = randomBytes(80);
      const target = 1n << 240n;
      assertSolves(header, target, await within(pool.mine({ header, target }), 'mine'));
    });

    test('a range without a solution is exhausted', async () => {
      const result = await within(pool.mine({ header: randomBytes(80), target: 0n, startNonce: 5, endNonce: 50_000 }), 'mine');
      assert.deepEqual(result, { exhausted: true });
      assert.deepEqual(await within(pool.mine({ header: randomBytes(80), target: 0n, startNonce: 7, endNonce: 7 }), 'mine'), { exhausted: true });
    });

    test('cancel() resolves the pending mine, and the pool then mines the next job', async () => {
      const before = pool.hashes;
      const pending = pool.mine({ header: randomBytes(80), target: 0n });
      await searching(pool, before);
      pool.cancel();
      assert.deepEqual(await within(pending, 'cancelled mine'), { cancelled: true });
      const header = randomBytes(80);
      assertSolves(header, 1n << 250n, await within(pool.mine({ header, target: 1n << 250n }), 'mine after cancel'));
    });

    test('a new job (a new tip) cancels the pending one', async () => {
      const stale = pool.mine({ header: randomBytes(80), target: 0n });
      const header = randomBytes(80);
      const fresh = pool.mine({ header, target: 1n << 248n });
      assert.deepEqual(await within(stale, 'replaced mine'), { cancelled: true });
      assertSolves(header, 1n << 248n, await within(fresh, 'new mine'));
    });

    test('reports a hash rate per thread after work', () => {
      const rate = pool.hashrate();
      assert.equal(rate.perThread.length, 2);
      assert.ok(rate.total > 0);
      assert.equal(rate.total, rate.perThread[0] + rate.perThread[1]);
      assert.ok(pool.hashes > 0);
    });
  });
}

test('close() is idempotent, settles a pending mine as cancelled, and later mines reject', async () => {
  const pool = new NoncePool({ threads: 1 });
  const pending = pool.mine({ header: randomBytes(80), target: 0n });
  const closing = pool.close();
  assert.equal(pool.close(), closing);
  await within(closing, 'close');
  await pool.close();
  assert.deepEqual(await pending, { cancelled: true });
  await assert.rejects(pool.mine({ header: randomBytes(80), target: 0n }), /closed/);
});

test('bad options and jobs are refused', async () => {
  assert.throws(() => new NoncePool({ threads: 0 }), RangeError);
  assert.throws(() => new NoncePool({ chunkSize: 0.5, threads: 1 }), RangeError);
  const pool = new NoncePool({ threads: 1 });
  try {
    await assert.rejects(pool.mine({ header: new Uint8Array(79), target: 0n }), RangeError);
    await assert.rejects(pool.mine({ header: new Uint8Array(80), target: 0n, startNonce: 9, endNonce: 2 }), RangeError);
  } finally {
    await pool.close();
  }
});
