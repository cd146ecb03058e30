/**
 * `powcoin mine` as a user runs it: the real CLI process mining against a real daemon over
 * getblocktemplate and submitblock, then exiting once it has the blocks it was asked for.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, powcoin, startDaemon } from '../node/daemon.js';

const ADDRESS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

describe('powcoin mine against a running daemon', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-mine-daemon-'));
    daemon = await startDaemon(datadir);
  });
  after(async () => {
    daemon.proc.kill('SIGTERM');
    await daemon.exited;
    await rm(datadir, { recursive: true, force: true });
  });

  test('--blocks 2 mines two blocks paying --address, prints a line for each and exits 0', async () => {
    const start = await daemon.call<number>('getblockcount');
    const run = await powcoin(['mine', '--network', 'regtest', '--datadir', datadir, '--rpc-port', String(daemon.rpcPort), '--address', ADDRESS, '--blocks', '2', '--threads', '1']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n').filter((line) => / accepted$/.test(line) && line.startsWith('block '));
    assert.deepEqual(
      lines.map((line) => Number(line.split(' ')[1])),
      [start + 1, start + 2],
    );
    assert.match(run.stdout, /^2 block\(s\) accepted$/m);
    assert.equal(await daemon.call<number>('getblockcount'), start + 2);
    const best = await daemon.call<string>('getbestblockhash');
    assert.ok(lines[1].includes(best), 'the second line names the tip');
    const block = await daemon.call<{ tx: Array<{ vout: Array<{ scriptPubKey: { address?: string } }> }> }>('getblock', [best, 2]);
    assert.equal(block.tx[0].vout[0].scriptPubKey.address, ADDRESS);
  });
});
