import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function powcoin(args: string[], entry = join(repoRoot, 'src/cli/main.ts'), nodeArgs = ['--import', 'tsx']) {
  const run = spawnSync(process.execPath, [...nodeArgs, entry, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const RATE_LINES = [/wasm-simd|js/, /^thread 0: \d+\.\d\d MH\/s$/m, /^total: \d+\.\d\d MH\/s/m];

describe('powcoin mine', () => {
  test('--benchmark --seconds 1 --threads 1 prints the loop used and the hash rate, from the TypeScript sources', () => {
    const run = powcoin(['mine', '--benchmark', '--seconds', '1', '--threads', '1']);
    assert.equal(run.status, 0, run.stderr);
    for (const line of RATE_LINES) assert.match(run.stdout, line);
    assert.match(run.stdout, /wasm-simd/); // this runtime has WebAssembly SIMD
  });

  test('--benchmark with 2 threads, from the compiled JS without tsx', () => {
    // Compiled to a private directory, not dist/, so a concurrent build cannot hand us half-written files.
    const outDir = mkdtempSync(join(tmpdir(), 'powcoin-mine-build-'));
    try {
      symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
      writeFileSync(join(outDir, 'package.json'), JSON.stringify({ name: 'powcoin', version: '0.0.0-test', type: 'module' }));
      // tsc emits even when another, unrelated file fails to typecheck; only the CLI and miner matter here.
      spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false'], { cwd: repoRoot, stdio: 'pipe' });
      const run = powcoin(['mine', '--benchmark', '--seconds', '1', '--threads', '2'], join(outDir, 'src/cli/main.js'), []);
      assert.equal(run.status, 0, run.stderr);
      for (const line of RATE_LINES) assert.match(run.stdout, line);
      assert.match(run.stdout, /^thread 1: \d+\.\d\d MH\/s$/m);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  test('bad flags give a clear error, the usage and exit code 2', () => {
    for (const [args, message] of [
      [['--threads', '0', '--benchmark'], /--threads needs a positive integer, got '0'/],
      [['--benchmark', '--threads', 'two'], /--threads needs a positive integer, got 'two'/],
      [['--benchmark', '--seconds', '-1'], /--seconds/],
      [['--benchmark', '--bogus'], /Unknown option '--bogus'/],
      [['--benchmark', 'extra'], /positional/],
    ] as const) {
      const run = powcoin(['mine', ...args]);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Usage: powcoin mine --benchmark/);
    }
  });

  test('without --benchmark it mines against a node, and says clearly when there is none to reach', () => {
    const datadir = mkdtempSync(join(tmpdir(), 'powcoin-mine-cli-'));
    try {
      const run = powcoin(['mine', '--network', 'regtest', '--datadir', datadir]);
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /cookie|credentials/i);
      assert.match(run.stderr, /powcoin mine --benchmark/);
    } finally {
      rmSync(datadir, { recursive: true, force: true });
    }
  });

  test('--help prints the usage', () => {
    const run = powcoin(['mine', '--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /--threads N/);
  });
});
