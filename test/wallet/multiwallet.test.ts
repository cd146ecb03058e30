/**
 * Several wallets on a real daemon: createwallet/loadwallet/unloadwallet/listwallets/listwalletdir,
 * the /wallet/<name> endpoint with Core's -19 and -18, `powcoin rpc --rpcwallet` (and
 * bitcoin-cli's -rpcwallet=), a wallet restored from the words createwallet showed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCookie } from '../../src/rpc/auth.js';
import { RpcClient } from '../../src/rpc/client.js';
import { RpcError } from '../../src/rpc/errors.js';
import { type Daemon, powcoin, rpcArgs, startDaemon } from '../node/daemon.js';

async function until(what: string, check: () => Promise<boolean>, ceilingMs = 60_000): Promise<void> {
  const end = Date.now() + ceilingMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('several wallets on a real daemon', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  let words: string;
  let aliceAddress: string;
  const at = (path: string) => new RpcClient({ url: `http://127.0.0.1:${daemon.rpcPort}/${path}`, credentials: readCookie(daemon.networkDir), timeoutMs: 60_000 });
  const code = async (client: RpcClient, method: string, params: unknown[] = []) => {
    try {
      await client.call(method, params);
    } catch (err) {
      if (err instanceof RpcError) return err.code;
      throw err;
    }
    return 0;
  };

  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-multi-'));
    daemon = await startDaemon(datadir);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('one wallet: calls at / reach the default wallet, as before', async () => {
    assert.deepEqual(await daemon.call('listwallets'), ['']);
    assert.match(await daemon.call<string>('getnewaddress'), /^pcrt1q/);
  });

  test('createwallet shows a new seed once; with two loaded, / answers -19 and /wallet/<name> picks one', async () => {
    const created = await daemon.call<{ name: string; warnings: string[]; mnemonic: string }>('createwallet', ['alice']);
    assert.equal(created.name, 'alice');
    assert.equal(created.mnemonic.split(' ').length, 24);
    assert.ok(created.warnings.some((w) => /Write these words down/.test(w)));
    words = created.mnemonic;
    assert.deepEqual(await daemon.call('listwallets'), ['', 'alice']);
    assert.equal(await code(daemon.client(), 'getnewaddress'), -19);
    assert.equal(await code(daemon.client(), 'getblockcount'), 0, 'non-wallet calls still answer at /');
    assert.equal(await code(at('wallet/nobody'), 'getbalance'), -18);
    aliceAddress = await at('wallet/alice').call<string>('getnewaddress');
    await daemon.call('generatetoaddress', [101, aliceAddress]);
    await until('alice sees her coinbase mature', async () => (await at('wallet/alice').call<number>('getbalance')) === 50);
    assert.equal(await at('wallet/').call('getbalance'), 0, '/wallet/ names the default wallet ""');
    const balances = await at('wallet/alice').call<{ lastprocessedblock: { height: number; hash: string } }>('getbalances');
    assert.equal(balances.lastprocessedblock.height, 101);
    assert.equal(balances.lastprocessedblock.hash, await daemon.call('getbestblockhash'));
  });

  test('powcoin rpc --rpcwallet NAME and -rpcwallet=NAME call the named wallet', async () => {
    const long = await powcoin([...rpcArgs(daemon), '--rpcwallet', 'alice', 'getbalance']);
    assert.equal(long.stdout, '50.00000000\n', long.stderr);
    const core = await powcoin([...rpcArgs(daemon), '-rpcwallet=alice', 'getbalance']);
    assert.equal(core.stdout, '50.00000000\n', core.stderr);
    const none = await powcoin([...rpcArgs(daemon), 'getbalance']);
    assert.equal(none.code, 19);
  });

  test('createwallet on an existing name -36; loadwallet of a loaded one -35, of a missing one -18; bad names -8', async () => {
    assert.equal(await code(daemon.client(), 'createwallet', ['alice']), -36);
    assert.equal(await code(daemon.client(), 'loadwallet', ['alice']), -35);
    assert.equal(await code(daemon.client(), 'loadwallet', ['ghost']), -18);
    assert.equal(await code(daemon.client(), 'createwallet', ['../escape']), -8);
    assert.equal(await code(daemon.client(), 'createwallet', ['x', false, false, '', false, true, false, false, 'not a mnemonic']), -8);
  });

  test('unloadwallet, listwalletdir still lists it, loadwallet brings it back with its coins', async () => {
    assert.deepEqual(await at('wallet/alice').call('unloadwallet'), { warnings: [] });
    assert.deepEqual(await daemon.call('listwallets'), ['']);
    assert.equal(await code(daemon.client(), 'getnewaddress'), 0, 'one wallet again: / reaches it');
    assert.equal(await code(daemon.client(), 'unloadwallet', ['alice']), -18);
    assert.deepEqual(await daemon.call('listwalletdir'), { wallets: [{ name: '' }, { name: 'alice' }] });
    assert.deepEqual(await daemon.call('loadwallet', ['alice']), { name: 'alice', warnings: [] });
    assert.equal(await at('wallet/alice').call('getbalance'), 50);
  });

  test('createwallet with the words restores the wallet: it finds the same coins; no words are echoed back', async () => {
    const restored = await daemon.call<Record<string, unknown>>('createwallet', ['copy', false, false, null, false, true, false, false, words]);
    assert.equal(restored.mnemonic, undefined);
    await until('the copy scanned the chain', async () => (await at('wallet/copy').call<number>('getbalance')) === 50);
    const info = await at('wallet/copy').call<{ ismine: boolean }>('getaddressinfo', [aliceAddress]);
    assert.equal(info.ismine, true);
  });
});
