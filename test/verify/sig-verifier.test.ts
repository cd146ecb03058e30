import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type SignatureCheck, signatureCheckKey } from '../../src/consensus/p2wpkh.js';
import { SignatureCache } from '../../src/verify/sig-cache.js';
import {
  InlineVerifier,
  type SignatureVerifier,
  SignatureVerifierError,
  WorkerPoolVerifier,
  type WorkerPoolOptions,
  verifyWithCache,
} from '../../src/verify/sig-verifier.js';
import { signatureWorkerUrl, spawnSignatureWorker, workerExecArgv } from '../../src/verify/sig-worker-spawn.js';
import { makeSignatureChecks, withFailures } from '../helpers/sig-checks.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BATCH = 500;
const checks = makeSignatureChecks(BATCH);

/** A pool whose workers the test can see (to count them, or to crash one). */
function observedPool(options: Partial<WorkerPoolOptions>, createWorker: () => Worker = spawnSignatureWorker): { pool: WorkerPoolVerifier; spawned: Worker[] } {
  const spawned: Worker[] = [];
  const pool = new WorkerPoolVerifier(options, {
    createWorker: () => {
      const worker = createWorker();
      spawned.push(worker);
      return worker;
    },
  });
  return { pool, spawned };
}

function isVerifierError(code: SignatureVerifierError['code'], messagePart = ''): (error: unknown) => boolean {
  return (error) => error instanceof SignatureVerifierError && error.code === code && error.message.includes(messagePart);
}

/** Passes calls through and counts the checks that reach the real verifier. */
class CountingVerifier implements SignatureVerifier {
  verified = 0;
  constructor(private readonly inner: SignatureVerifier) {}

  verifyAll(batch: readonly SignatureCheck[]): Promise<number> {
    this.verified += batch.length;
    return this.inner.verifyAll(batch);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The answers every verifier must give, on 500 real signatures. */
function sharedBehaviour(name: string, make: () => SignatureVerifier): void {
  describe(name, () => {
    let verifier: SignatureVerifier;
    before(() => {
      verifier = make();
    });
    after(() => verifier.close());

    test('all valid → -1, and an empty batch → -1', async () => {
      assert.equal(await verifier.verifyAll(checks), -1);
      assert.equal(await verifier.verifyAll([]), -1);
    });

    for (const index of [0, 249, 250, BATCH - 1]) {
      test(`one invalid check at ${index} → ${index}`, async () => {
        assert.equal(await verifier.verifyAll(withFailures(checks, index)), index);
      });
    }

    test('several invalid checks → the smallest index, whichever chunk finds its own first', async () => {
      assert.equal(await verifier.verifyAll(withFailures(checks, 499, 260, 100)), 100);
      assert.equal(await verifier.verifyAll(withFailures(checks, 499, 260)), 260);
    });

    test('a check with a wrong-length part fails at its own index', async () => {
      const batch = checks.slice();
      batch[321] = { ...batch[321], signature: batch[321].signature.subarray(0, 63) };
      assert.equal(await verifier.verifyAll(batch), 321);
      batch[321] = { ...checks[321], publicKey: new Uint8Array(65).fill(4) };
      assert.equal(await verifier.verifyAll(batch), 321);
    });

    test('concurrent calls get their own answers', async () => {
      const failures = [-1, 17, 499, 250, 3, -1];
      const answers = await Promise.all(failures.map((index) => verifier.verifyAll(index < 0 ? checks : withFailures(checks, index))));
      assert.deepEqual(answers, failures);
    });
  });
}

sharedBehaviour('InlineVerifier', () => new InlineVerifier());
sharedBehaviour('WorkerPoolVerifier, 1 thread', () => new WorkerPoolVerifier({ threads: 1, minBatchForWorkers: 0 }));
sharedBehaviour('WorkerPoolVerifier, 2 threads', () => new WorkerPoolVerifier({ threads: 2, minBatchForWorkers: 0 }));

describe('WorkerPoolVerifier', () => {
  test('starts its threads on the first big batch and keeps them', async () => {
    const { pool, spawned } = observedPool({ threads: 2, minBatchForWorkers: 16 });
    assert.equal(await pool.verifyAll(checks.slice(0, 15)), -1);
    assert.equal(await pool.verifyAll(withFailures(checks.slice(0, 15), 7)), 7);
    assert.equal(spawned.length, 0, 'a batch under minBatchForWorkers stays on the calling thread');
    assert.equal(await pool.verifyAll(checks.slice(0, 16)), -1);
    assert.equal(await pool.verifyAll(checks), -1);
    assert.equal(spawned.length, 2);
    await pool.close();
  });

  test('resolves the worker beside its own module, .ts from the sources', () => {
    assert.equal(signatureWorkerUrl().href, pathToFileURL(join(repoRoot, 'src/verify/sig-worker.ts')).href);
  });

  test("workers inherit the parent's flags except those naming the parent's own entry", () => {
    assert.deepEqual(workerExecArgv(['--input-type=module', '--import', 'tsx', '-e', 'code', '--max-old-space-size=512']), ['--import', 'tsx', '--max-old-space-size=512']);
    assert.deepEqual(workerExecArgv(['--input-type', 'module', '--eval=x', '-p', 'y', '--enable-source-maps']), ['--enable-source-maps']);
  });

  test('refuses options that cannot work', () => {
    assert.throws(() => new WorkerPoolVerifier({ threads: 0 }), RangeError);
    assert.throws(() => new WorkerPoolVerifier({ threads: 1.5 }), RangeError);
    assert.throws(() => new WorkerPoolVerifier({ minBatchForWorkers: -1 }), RangeError);
  });

  test('close() is idempotent, rejects pending and later calls', async () => {
    const pool = new WorkerPoolVerifier({ threads: 2, minBatchForWorkers: 0 });
    const pending = pool.verifyAll(checks);
    const closing = pool.close();
    await assert.rejects(pending, isVerifierError('closed'));
    await closing;
    await pool.close();
    await assert.rejects(pool.verifyAll(checks), isVerifierError('closed'));
    await assert.rejects(pool.verifyAll([]), isVerifierError('closed'), 'even a batch that needs no worker');
  });

  test('InlineVerifier also refuses calls after close()', async () => {
    const inline = new InlineVerifier();
    await inline.close();
    await assert.rejects(inline.verifyAll(checks), isVerifierError('closed'));
  });

  test('a worker terminated mid-call rejects that call, and the pool replaces it', async () => {
    const { pool, spawned } = observedPool({ threads: 2, minBatchForWorkers: 0 });
    assert.equal(await pool.verifyAll(checks), -1);
    const pending = pool.verifyAll(checks);
    await spawned[0].terminate();
    await assert.rejects(pending, isVerifierError('worker-failed', 'exited with code'));
    assert.equal(await pool.verifyAll(withFailures(checks, 400)), 400);
    assert.equal(spawned.length, 3);
    await pool.close();
  });

  test('a worker that throws on a malformed message rejects the pending call, and the pool recovers', async () => {
    const { pool, spawned } = observedPool({ threads: 1, minBatchForWorkers: 0 });
    assert.equal(await pool.verifyAll(checks), -1);
    spawned[0].postMessage({ buffer: new ArrayBuffer(130) }); // not a whole number of 129-byte records
    const pending = pool.verifyAll(checks);
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(isVerifierError('worker-failed', 'not whole records')(error), String(error));
      assert.equal((error as Error).cause instanceof Error, true);
      return true;
    });
    assert.equal(await pool.verifyAll(withFailures(checks, 0)), 0);
    assert.equal(spawned.length, 2);
    await pool.close();
  });

  test('a worker that cannot start rejects with its error', async () => {
    const { pool, spawned } = observedPool({ threads: 2, minBatchForWorkers: 0 }, () => new Worker('throw new Error("cannot load")', { eval: true }));
    await assert.rejects(pool.verifyAll(checks), isVerifierError('worker-failed', 'cannot load'));
    await assert.rejects(pool.verifyAll(checks), isVerifierError('worker-failed', 'cannot load'), 'each call tries a fresh worker');
    assert.ok(spawned.length >= 3);
    await pool.close();
  });

  test('a worker that replies nonsense is treated as failed, never as an answer', async () => {
    const liar = () => new Worker(`require('node:worker_threads').parentPort.on('message', function () { this.postMessage({ failed: 1e9 }); });`, { eval: true });
    const { pool } = observedPool({ threads: 1, minBatchForWorkers: 0 }, liar);
    await assert.rejects(pool.verifyAll(checks), isVerifierError('worker-failed', 'unexpected reply'));
    await pool.close();
  });
});

describe('verifyWithCache', () => {
  test('skips cached checks and caches those that passed', async () => {
    const counter = new CountingVerifier(new InlineVerifier());
    const cache = new SignatureCache();
    assert.equal(await verifyWithCache(counter, cache, checks), -1);
    assert.equal(counter.verified, BATCH);
    assert.equal(cache.size, BATCH);
    assert.equal(await verifyWithCache(counter, cache, checks), -1);
    assert.equal(counter.verified, BATCH, 'a warm cache verifies nothing');
  });

  test('returns the failing index in the original array and never caches the failure', async () => {
    const counter = new CountingVerifier(new WorkerPoolVerifier({ threads: 2, minBatchForWorkers: 0 }));
    const cache = new SignatureCache();
    assert.equal(await verifyWithCache(counter, cache, checks.slice(0, 250)), -1);
    const batch = withFailures(checks, 400, 450);
    assert.equal(await verifyWithCache(counter, cache, batch), 400);
    assert.equal(counter.verified, 250 + 250, 'only the uncached half reached the verifier');
    assert.equal(cache.has(signatureCheckKey(batch[399])), true, 'passed before the failure: cached');
    assert.equal(cache.has(signatureCheckKey(batch[400])), false, 'the failure: never cached');
    assert.equal(cache.has(signatureCheckKey(batch[401])), false, 'after the failure: maybe never verified, so not cached');
    assert.equal(cache.has(signatureCheckKey(batch[450])), false);
    assert.equal(await verifyWithCache(counter, cache, batch), 400, 'the failure is found again, not remembered as valid');
    await counter.close();
  });

  test('an empty batch and an all-cached batch never reach the verifier with work', async () => {
    const counter = new CountingVerifier(new InlineVerifier());
    assert.equal(await verifyWithCache(counter, new SignatureCache(), []), -1);
    assert.equal(counter.verified, 0);
  });
});

/** Runs an ES module script with node and returns its stdout; fails the test on a non-zero exit. */
function runNode(args: readonly string[], script: string, timeoutMs = 60_000): string {
  const result = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs });
  assert.equal(result.error, undefined, `node did not finish: ${String(result.error)}`);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

/** Verifies through real workers without calling close(): the process must still exit by itself. */
function childScript(modules: { verifier: string; spawn: string; keys: string; hash: string }): string {
  return `
    import { WorkerPoolVerifier } from ${JSON.stringify(modules.verifier)};
    import { spawnSignatureWorker, signatureWorkerUrl } from ${JSON.stringify(modules.spawn)};
    import { publicKeyFromPrivate, signDigest } from ${JSON.stringify(modules.keys)};
    import { sha256 } from ${JSON.stringify(modules.hash)};
    const checks = [];
    for (let i = 0; i < 40; i++) {
      const key = sha256(Uint8Array.of(i, 7));
      const preimageHash = sha256(key);
      checks.push({ preimageHash, signature: signDigest(sha256(preimageHash), key), publicKey: publicKeyFromPrivate(key) });
    }
    let spawned = 0;
    const pool = new WorkerPoolVerifier({ threads: 2, minBatchForWorkers: 0 }, { createWorker: () => { spawned++; return spawnSignatureWorker(); } });
    const valid = await pool.verifyAll(checks);
    checks[33] = { ...checks[33], signature: checks[32].signature };
    const invalid = await pool.verifyAll(checks);
    console.log(JSON.stringify({ valid, invalid, spawned, worker: signatureWorkerUrl().pathname.split('/').slice(-3).join('/') }));
  `;
}

describe('worker startup in both ways the project runs', () => {
  test('from the TypeScript sources under tsx, and an idle pool lets the process exit', () => {
    const src = (path: string) => pathToFileURL(join(repoRoot, 'src', path)).href;
    const out = runNode(['--import', 'tsx'], childScript({ verifier: src('verify/sig-verifier.ts'), spawn: src('verify/sig-worker-spawn.ts'), keys: src('primitives/keys.ts'), hash: src('primitives/hash.ts') }));
    assert.deepEqual(JSON.parse(out), { valid: -1, invalid: 33, spawned: 2, worker: 'src/verify/sig-worker.ts' });
  });

  test('from the compiled JS, without tsx', () => {
    // Compiled to a private directory, not dist/, so a concurrent build cannot hand us half-written files.
    const outDir = mkdtempSync(join(tmpdir(), 'powcoin-sig-build-'));
    try {
      symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
      writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
      // tsc emits even when another, unrelated file fails to typecheck; only our emitted files matter here.
      spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false'], { cwd: repoRoot, stdio: 'pipe' });
      const built = (path: string) => pathToFileURL(join(outDir, 'src', path)).href;
      const out = runNode([], childScript({ verifier: built('verify/sig-verifier.js'), spawn: built('verify/sig-worker-spawn.js'), keys: built('primitives/keys.js'), hash: built('primitives/hash.js') }));
      assert.deepEqual(JSON.parse(out), { valid: -1, invalid: 33, spawned: 2, worker: 'src/verify/sig-worker.js' });
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
