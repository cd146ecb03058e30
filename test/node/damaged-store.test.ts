/**
 * Real daemons and a real damaged LevelDB file: 64 bytes overwritten in the chain's .ldb table
 * (as issue 11 measured), where a block's location record is. The node reports it clearly — it refuses to start naming the data dir
 * and --reindex, or it names each unreadable block at error level — and --reindex repairs the
 * store and fetches what was lost from a peer; a fresh node then syncs from the repaired one.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from './daemon.js';

async function waitFor(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * 64 bytes of 0xff over the first place a table holds the block's hash: its location record
 * (keys sort c < d < h < i; coins name txids, not block hashes). The hash's bytes 4-24 are
 * found as they are: random, so neither snappy nor the key prefix sharing shortens them.
 * Returns the table damaged.
 */
async function damageRecordOf(dir: string, hash: string): Promise<string | undefined> {
  const needle = Buffer.from(hash, 'hex').reverse().subarray(4, 24);
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.ldb')).sort()) {
    const at = (await readFile(join(dir, name))).indexOf(needle);
    if (at < 0) continue;
    const handle = await open(join(dir, name), 'r+');
    await handle.write(Buffer.alloc(64, 0xff), 0, 64, Math.max(0, at - 16));
    await handle.close();
    return name;
  }
  return undefined;
}

async function stop(daemon: Daemon): Promise<void> {
  await daemon.call('stop');
  await daemon.exited;
}

describe('a damaged chain .ldb file', { timeout: 900_000 }, () => {
  const daemons: Daemon[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const daemon of daemons) if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('is reported clearly, repaired with --reindex from a peer, and a fresh node syncs from the repaired node', async (t) => {
    for (const name of ['a', 'b', 'c']) dirs.push(await mkdtemp(join(tmpdir(), `powcoin-damage-${name}-`)));
    let a = await startDaemon(dirs[0]);
    daemons.push(a);
    const address = await a.call<string>('getnewaddress');
    await a.call('generatetoaddress', [120, address]);
    for (let i = 0; i < 10; i++) {
      await a.call('sendtoaddress', [await a.call<string>('getnewaddress'), 1]);
      await a.call('generatetoaddress', [10, address]);
    }
    const height = await a.call<number>('getblockcount');
    const victim = await a.call<string>('getblockhash', [Math.floor(height / 2)]);
    const peerOf = async (d: Daemon) => (await d.call<{ localaddresses: Array<{ address: string }> }>('getnetworkinfo')).localaddresses[0].address;
    const b = await startDaemon(dirs[1], ['--peer', await peerOf(a)]);
    daemons.push(b);
    await waitFor('B to copy the chain', async () => (await b.call<number>('getblockcount')) === height);
    const utxo = (await b.call<{ hash_serialized_3: string }>('gettxoutsetinfo')).hash_serialized_3;
    await stop(a);
    // Reopening turns LevelDB's log into a table file; then damage it where a block's record is.
    a = await startDaemon(dirs[0]);
    daemons.push(a);
    await stop(a);
    const table = await damageRecordOf(join(a.networkDir, 'chain'), victim);
    assert.ok(table, 'a table file of the chain database holds the block’s record');

    let damaged: Daemon | undefined;
    let refusal = '';
    try {
      damaged = await startDaemon(dirs[0]);
      daemons.push(damaged);
    } catch (err) {
      refusal = (err as Error).message;
    }
    if (!damaged) {
      // Refused: one clear line naming the data dir and the fix, no stack trace.
      // Either LevelDB refuses the file at open (chain database) or the startup check cannot read the top blocks (chain state).
      assert.match(refusal, /the chain (database|state) in .*regtest\/chain is damaged/);
      assert.match(refusal, /--reindex/);
      assert.doesNotMatch(refusal, /^\s+at /m);
      t.diagnostic(`refused to start: ${refusal.split('\n').find((line) => line.includes('damaged'))}`);
    } else {
      // Started: reading every block names each unreadable one (hash, height) at error level, and
      // the node answers at once instead of failing or hanging.
      const unavailable: number[] = [];
      for (let h = 1; h <= height; h++) {
        const hash = await damaged.call<string>('getblockhash', [h]);
        await damaged.call('getblock', [hash]).catch(() => unavailable.push(h));
      }
      const verified = await damaged.call<boolean>('verifychain', [4, 0]).catch(() => false);
      const errors = damaged
        .output()
        .split('\n')
        .filter((line) => line.includes('"level":50') || line.includes('ERROR'));
      assert.ok(unavailable.length > 0 || !verified, 'the damage shows: unreadable blocks or a failed verifychain');
      for (const h of unavailable) assert.ok(errors.some((line) => line.includes(`"height":${h}`)), `block ${h} is named at error level`);
      t.diagnostic(`started; unreadable blocks at heights ${unavailable.join(',')}; verifychain ${verified}`);
      await stop(damaged);
    }

    // --reindex: LevelDB repair, rebuild from the readable blocks, and the rest from peer B.
    a = await startDaemon(dirs[0], ['--reindex', '--peer', await peerOf(b)]);
    daemons.push(a);
    await waitFor('A to be whole again', async () => (await a.call<number>('getblockcount')) === height);
    assert.equal(await a.call<boolean>('verifychain', [4, 0]), true);
    assert.equal((await a.call<{ hash_serialized_3: string }>('gettxoutsetinfo')).hash_serialized_3, utxo);
    assert.match(a.output(), /reindex/);
    await stop(b);

    // A fresh node syncing only from the repaired node gets every block.
    const c = await startDaemon(dirs[2], ['--peer', await peerOf(a)]);
    daemons.push(c);
    await waitFor('C to sync from A', async () => (await c.call<number>('getblockcount')) === height);
    assert.equal((await c.call<{ hash_serialized_3: string }>('gettxoutsetinfo')).hash_serialized_3, utxo);
  });
});
