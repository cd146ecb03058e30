/**
 * Docs that run: every ```sh runnable block in README.md and docs/*.md is run, line by line in
 * bash, against a real regtest daemon in a temp data dir, so an example that drifts from the
 * code fails here. The daemon's data dir and RPC port reach the commands as POWCOIN_DATADIR and
 * POWCOIN_RPC_PORT (what an operator's powcoin.conf would hold); `./bin/powcoin` and `powcoin`
 * run the CLI from source. A runnable block must not depend on hashes of some earlier run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    // Coinbases mature after 100 blocks: the wallet has coins to send, block 1 exists.
    await daemon.call('generatetoaddress', [101, await daemon.call<string>('getnewaddress')]);
    const shim = join(datadir, 'bin');
    await import('node:fs/promises').then((fs) => fs.mkdir(shim));
    writeFileSync(join(shim, 'powcoin'), `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(ROOT, 'src', 'cli', 'main.ts')}" "$@"\n`);
    chmodSync(join(shim, 'powcoin'), 0o755);
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
