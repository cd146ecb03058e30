/**
 * Real daemons: B syncs from A with the coin cache batching (--maxtipage 0: always catching up;
 * a small --dbcache so it flushes now and then) and is killed with SIGKILL mid-sync. Nothing
 * it had connected is lost, the chain state verifies, and it finishes with A's UTXO set.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './daemon.js';

async function waitFor(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The flushed tip's height a restart replays from, as its log says, or undefined when it replays nothing. */
function replayedFrom(output: string): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('connecting the blocks stored above the flushed tip')) continue;
    return (JSON.parse(line) as { tip: number }).tip;
  }
  return undefined;
}

const CACHE_FLAGS = ['--maxtipage', '0', '--dbcache', '0.2'];

describe('kill -9 during a cached sync', { timeout: 900_000 }, () => {
  const daemons: Daemon[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const daemon of daemons) if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('loses nothing connected; verifychain 4 0 is true after restart; the sync ends on the source UTXO set', async () => {
    dirs.push(await mkdtemp(join(tmpdir(), 'powcoin-src-')), await mkdtemp(join(tmpdir(), 'powcoin-sync-')));
    const a = await startDaemon(dirs[0]);
    daemons.push(a);
    const address = await a.call<string>('getnewaddress');
    await a.call('generatetoaddress', [110, address]);
    for (let round = 0; round < 15; round++) {
      for (let i = 0; i < 3; i++) await a.call('sendtoaddress', [await a.call<string>('getnewaddress'), 1 + i]);
      await a.call('generatetoaddress', [20, address]);
    }
    const target = await a.call<number>('getblockcount');
    const utxoA = (await a.call<{ hash_serialized_3: string }>('gettxoutsetinfo')).hash_serialized_3;

    // Each round kills B during the sync (the first half way), then restarts it alone (A is
    // down, so nothing can come from it): every block B had connected comes back (bodies were on
    // disk; the chain state replays from the last flush) and verifies. A kill can land just after
    // a flush, with no connected block left to replay; one of three rounds must find one.
    let source = a;
    let replayed = false;
    let from = 0;
    for (let round = 0; round < 3 && !replayed; round++) {
      const peer = (await source.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo')).localaddresses[0].address;
      const b = await startDaemon(dirs[1], [...CACHE_FLAGS, '--peer', peer]);
      daemons.push(b);
      let seen = 0;
      await waitFor('B to be part way', async () => (seen = await b.call<number>('getblockcount')) >= (round === 0 ? target / 2 : from + 10));
      b.proc.kill('SIGKILL');
      await b.exited;
      assert.ok(seen < target, `killed mid-sync (at ${seen} of ${target})`);
      await source.call('stop');
      await source.exited;

      const alone = await startDaemon(dirs[1], CACHE_FLAGS);
      daemons.push(alone);
      const restarted = await alone.call<number>('getblockcount');
      assert.ok(restarted >= seen, `height after restart ${restarted} >= ${seen} seen before the kill`);
      from = restarted;
      const flushedTip = replayedFrom(alone.output());
      replayed = flushedTip !== undefined && flushedTip < seen;
      assert.equal(await alone.call<boolean>('verifychain', [4, 0]), true);
      await alone.call('stop');
      await alone.exited;
      source = await startDaemon(dirs[0]);
      daemons.push(source);
    }
    assert.ok(replayed, 'no kill in three found connected blocks above the flushed tip to replay');

    const peer = (await source.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo')).localaddresses[0].address;
    const b = await startDaemon(dirs[1], [...CACHE_FLAGS, '--peer', peer]);
    daemons.push(b);
    await waitFor('B to finish the sync', async () => (await b.call<number>('getblockcount')) === target);
    assert.equal(await b.call<boolean>('verifychain', [4, 0]), true);
    const [infoA, infoB] = await Promise.all([source.call<{ hash_serialized_3: string; txouts: number }>('gettxoutsetinfo'), b.call<{ hash_serialized_3: string; txouts: number }>('gettxoutsetinfo')]);
    assert.equal(infoA.hash_serialized_3, utxoA);
    assert.equal(infoB.hash_serialized_3, infoA.hash_serialized_3);
    assert.ok(infoA.txouts > target, 'the chain carries transactions');
  });
});
