import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from '../../src/wallet/index.js';
import { type Stack, openStack, rpcError } from './stack.js';

describe('wallet methods with the real wallet', () => {
  let s: Stack;
  let mine: string;
  before(async () => {
    s = await openStack({ wallet: true });
    mine = await s.client.call<string>('getnewaddress');
    await s.client.call('generatetoaddress', [101, mine]);
    await s.wallet!.idle();
  });
  after(() => s.close());

  test('balances: one mature coinbase of 50, the rest immature', async () => {
    assert.equal(await s.client.call('getbalance'), 50);
    const balances = await s.client.call<{ mine: Record<string, number> }>('getbalances');
    assert.equal(balances.mine.trusted, 50);
    assert.equal(balances.mine.immature, 5000);
    const coins = await s.client.call<Array<{ amount: number; address: string }>>('listunspent');
    assert.equal(coins.length, 1);
    assert.equal(coins[0].address, mine);
  });

  test('sendtoaddress pays, mined, exact balances; gettransaction and listtransactions show it', async () => {
    const other = await s.client.call<string>('getnewaddress');
    const txid = await s.client.call<string>('sendtoaddress', [other, '1.25']);
    const tx = await s.client.call<{ fee: number; amount: number }>('gettransaction', [txid]);
    assert.ok(tx.fee < 0 && tx.fee > -0.001);
    assert.deepEqual(await s.client.call('getrawmempool'), [txid]);
    await s.client.call('generatetoaddress', [1, 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke']);
    await s.wallet!.idle();
    // Paid to ourselves: only the fee left the wallet; the second coinbase matured.
    assert.equal(await s.client.call('getbalance'), 100 + tx.fee);
    const list = await s.client.call<Array<{ txid: string }>>('listtransactions', ['*', 100]);
    assert.ok(list.some((row) => row.txid === txid));
  });

  test('-6 insufficient funds, -5 bad address, -3 bad amount, -5 unknown tx', async () => {
    assert.equal((await rpcError(s, 'sendtoaddress', [mine, 100000])).code, -6);
    assert.equal((await rpcError(s, 'sendtoaddress', ['pc1qbad', 1])).code, -5);
    assert.equal((await rpcError(s, 'sendtoaddress', [mine, -1])).code, -3);
    assert.equal((await rpcError(s, 'sendtoaddress', [mine, 0.123456789])).code, -3);
    assert.equal((await rpcError(s, 'gettransaction', ['ab'.repeat(32)])).code, -5);
  });

  test('encryptwallet locks; -13 to send while locked; -14 wrong passphrase; unlock, send, walletlock', async () => {
    assert.equal((await rpcError(s, 'walletlock')).code, -15);
    assert.match(await s.client.call<string>('encryptwallet', ['hunter2']), /^wallet encrypted/);
    assert.equal((await rpcError(s, 'sendtoaddress', [mine, 1])).code, -13);
    assert.equal((await rpcError(s, 'walletpassphrase', ['wrong', 60])).code, -14);
    assert.equal(await s.client.call('walletpassphrase', ['hunter2', 60]), null);
    assert.match(await s.client.call<string>('sendtoaddress', [mine, 1]), /^[0-9a-f]{64}$/);
    assert.equal(await s.client.call('walletlock'), null);
    assert.equal((await rpcError(s, 'dumpprivkey', [mine])).code, -13);
    const info = await s.client.call<{ unlocked_until: number }>('getwalletinfo');
    assert.equal(info.unlocked_until, 0);
  });

  test('getaddressinfo, validateaddress, backupwallet', async () => {
    const info = await s.client.call<{ ismine: boolean }>('getaddressinfo', [mine]);
    assert.equal(info.ismine, true);
    assert.equal((await rpcError(s, 'getaddressinfo', ['nope'])).code, -5);
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-backup-'));
    try {
      const file = join(dir, 'wallet.bak');
      assert.equal(await s.client.call('backupwallet', [file]), null);
      assert.equal((await stat(file)).mode & 0o777, 0o600, 'the backup holds the seed: owner only');
      // The file is a working wallet: restored elsewhere, it owns our address and holds our balance.
      await s.wallet!.idle();
      const restored = await Wallet.restoreBackup(file, { dir: join(dir, 'restored'), params: s.params }, { chain: s.chain, mempool: s.mempool });
      try {
        await restored.idle();
        assert.equal(restored.getAddressInfo(mine).ismine, true);
        assert.deepEqual(restored.getBalances(), s.wallet!.getBalances());
      } finally {
        await restored.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('estimatesmartfee answers a rate; rescanblockchain answers its range', async () => {
    const fee = await s.client.call<{ feerate: number }>('estimatesmartfee', [6]);
    assert.ok(fee.feerate > 0);
    const height = await s.client.call<number>('getblockcount');
    assert.deepEqual(await s.client.call('rescanblockchain', [0]), { start_height: 0, stop_height: height });
  });
});
