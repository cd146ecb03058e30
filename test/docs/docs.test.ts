/**
 * Docs that run: every ```sh runnable block in README.md and docs/*.md is run, line by line in
 * bash, against a real regtest daemon in a temp data dir, so an example that drifts from the
 * code fails here. The daemon's data dir and RPC port reach the commands as POWCOIN_DATADIR and
 * POWCOIN_RPC_PORT (what an operator's powcoin.conf would hold); `./bin/powcoin` and `powcoin`
 * run the CLI from source (its client commands bundled from source, as `npm run build` bundles
 * them). A runnable block must not depend on hashes of some earlier run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { type Daemon, startDaemon } from '../node/daemon.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface RunnableBlock {
  file: string;
  line: number;
  commands: string[];
}

/** The ```sh runnable fences of one markdown text: their command lines, comments and blanks left out. */
export function runnableBlocks(file: string, text: string): RunnableBlock[] {
  const blocks: RunnableBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|console)\s+runnable\s*$/.test(lines[i])) continue;
    const start = i + 1;
    const commands: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) {
      const line = lines[i].trim();
      if (line !== '' && !line.startsWith('#')) commands.push(line);
    }
    blocks.push({ file, line: start, commands });
  }
  return blocks;
}

/**
 * `powcoin` on the commands' PATH: the client commands (rpc, wallet: every docs example) run
 * from the current sources bundled into one CommonJS file, as bin/powcoin runs them from
 * dist/src/cli/client.cjs, so each of the docs' ~130 calls costs a Node start rather than a tsx
 * start (about 1 s each on this machine); any other command runs src/cli/main.ts under tsx.
 */
function writeCliShim(dir: string): void {
  const client = join(dir, 'client.cjs');
  buildSync({
    entryPoints: [join(ROOT, 'src', 'cli', 'client.ts')],
    outfile: client,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // The modules find package.json and config/ from their own location: that of the sources.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'src', 'cli', 'client.ts')).href) },
  });
  const dispatch = join(dir, 'powcoin.cjs');
  writeFileSync(
    dispatch,
    [
      "'use strict';",
      "const { spawnSync } = require('node:child_process');",
      'const argv = process.argv.slice(2);',
      `require(${JSON.stringify(client)}).clientMain(argv).then((code) => {`,
      '  if (code !== undefined) return void (process.exitCode = code);',
      `  const run = spawnSync(process.execPath, ['--import', 'tsx', ${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))}, ...argv], { stdio: 'inherit' });`,
      '  process.exitCode = run.status ?? 1;',
      '}, (err) => {',
      '  process.stderr.write(`${err && err.stack ? err.stack : err}\\n`);',
      '  process.exitCode = 1;',
      '});',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'powcoin'), `#!/bin/sh\nexec "${process.execPath}" "${dispatch}" "$@"\n`);
  chmodSync(join(dir, 'powcoin'), 0o755);
}

const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];
const blocks = docs.flatMap((file) => runnableBlocks(file, readFileSync(join(ROOT, file), 'utf8')));

describe('runnable blocks are found', () => {
  test('the fence marker, and comments and blank lines left out', () => {
    const text = ['```sh', 'not this', '```', '```sh runnable', '# a comment', 'powcoin rpc getblockcount', '', 'echo ok  # trailing', '```'].join('\n');
    assert.deepEqual(runnableBlocks('x.md', text), [{ file: 'x.md', line: 4, commands: ['powcoin rpc getblockcount', 'echo ok  # trailing'] }], 'line is the fence line');
  });

  test('the docs have runnable examples (rpc.md, running-a-node.md)', () => {
    const files = new Set(blocks.map((b) => b.file));
    assert.ok(files.has(join('docs', 'rpc.md')) && files.has(join('docs', 'running-a-node.md')), [...files].join(', '));
  });
});

describe('every runnable doc example runs against a regtest node', { timeout: 1_800_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-docs-'));
    daemon = await startDaemon(datadir);
    // Coinbases mature after 100 blocks: 20 mature coinbases, so the examples that each spend a
    // confirmed coin (listunspent's default minconf 1) still find one after the earlier examples
    // sent theirs; block 1 exists.
    await daemon.call('generatetoaddress', [120, await daemon.call<string>('getnewaddress')]);
    const shim = join(datadir, 'bin');
    await import('node:fs/promises').then((fs) => fs.mkdir(shim));
    writeCliShim(shim);
    env = { ...process.env, PATH: `${shim}:${process.env.PATH}`, POWCOIN_DATADIR: datadir, POWCOIN_RPC_PORT: String(daemon.rpcPort) };
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  for (const block of blocks) {
    test(`${block.file}:${block.line}`, async () => {
      for (const command of block.commands) {
        const script = command.replace(/(^|[\s;&|(])\.\/bin\/powcoin(?=\s|$)/g, '$1powcoin');
        const result = await new Promise<{ code: number; out: string }>((resolve) =>
          execFile('bash', ['-c', script], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr })),
        );
        assert.equal(result.code, 0, `${block.file}:${block.line}: ${command}\n${result.out}`);
      }
    });
  }
});
