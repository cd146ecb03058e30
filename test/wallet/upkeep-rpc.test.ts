/**
 * Core's wallet upkeep calls on a real daemon: keypoolrefill, setwalletflag (avoid_reuse and
 * what it does to balances, listunspent and sends), importprunedfunds/removeprunedfunds (a
 * coinbase paid to a key the wallet imports later, proven with gettxoutproof),
 * simulaterawtransaction and abortrescan; each with Core's errors, and the wallet's state read
 * back after a real restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ecc from '@bitcoinerlab/secp256k1';
import * as bitcoin from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { readCookie } from '../../src/rpc/auth.js';
import { RpcClient } from '../../src/rpc/client.js';
import { RpcError } from '../../src/rpc/errors.js';
import { type Daemon, startDaemon } from '../node/daemon.js';

const ECPair = ECPairFactory(ecc);
const regtest: bitcoin.networks.Network = { messagePrefix: '\x18powcoin Signed Message:\n', bech32: 'pcrt', bip32: { public: 0x043587cf, private: 0x04358394 }, pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };

interface Balances {
  mine: { trusted: number; untrusted_pending: number; immature: number; used?: number };
}
interface Unspent {
  txid: string;
  vout: number;
  address: string;
  amount: number;
  reused?: boolean;
}

/** A fresh key outside the wallet: its WIF and P2WPKH address. */
function outsideKey(): { wif: string; address: string } {
  const key = ECPair.makeRandom({ network: regtest });
  return { wif: key.toWIF(), address: bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network: regtest }).address! };
}

describe('wallet upkeep RPCs on a real daemon', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  let mineAddress: string;
  /** A coinbase paid to an outside key, imported with importprunedfunds (kept), and one imported then removed. */
  const pruned = { kept: '', removed: '' };
  const call = <T = unknown>(method: string, params: unknown[] = []) => daemon.call<T>(method, params);
  const failure = async (method: string, params: unknown[] = [], client?: RpcClient): Promise<{ code: number; message: string }> => {
    try {
      await (client ? client.call(method, params) : call(method, params));
    } catch (err) {
      if (err instanceof RpcError) return { code: err.code, message: err.message };
      throw err;
    }
    assert.fail(`${method} ${JSON.stringify(params)} succeeded`);
  };

  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-upkeep-'));
    daemon = await startDaemon(datadir);
    mineAddress = await call<string>('getnewaddress');
    // Ten mature coinbases, all on one address: spending one makes the others "reused".
    await call('generatetoaddress', [110, mineAddress]);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('keypoolrefill derives the pool out to newsize (never shrinks it), with Core\'s errors', async () => {
    assert.deepEqual(await failure('keypoolrefill', [-1]), { code: -8, message: 'Invalid parameter, expected valid size.' });
    assert.equal((await failure('keypoolrefill', ['ten'])).code, -3);
    assert.equal((await failure('keypoolrefill', [1.5])).code, -3);
    assert.deepEqual(await failure('keypoolrefill', [10_001]), { code: -4, message: 'Error refreshing keypool.' });
    const before = await call<{ keypoolsize: number }>('getwalletinfo');
    assert.ok(before.keypoolsize < 150, `default pool ${before.keypoolsize}`);
    assert.equal(await call('keypoolrefill', [150]), null);
    let info = await call<{ keypoolsize: number; keypoolsize_hd_internal: number }>('getwalletinfo');
    assert.equal(info.keypoolsize, 150);
    assert.equal(info.keypoolsize_hd_internal, 150);
    assert.equal(await call('keypoolrefill', [10]), null, 'a smaller size leaves the pool as it is');
    assert.equal(await call('keypoolrefill'), null);
    info = await call('getwalletinfo');
    assert.equal(info.keypoolsize, 150);
    await call('getnewaddress');
    assert.equal((await call<{ keypoolsize: number }>('getwalletinfo')).keypoolsize, 149, 'handing out an address uses the pool, as Core');
  });

  test('setwalletflag: only avoid_reuse changes, with Core\'s messages', async () => {
    assert.deepEqual(await failure('setwalletflag', ['no_such_flag']), { code: -8, message: 'Unknown wallet flag: no_such_flag' });
    assert.deepEqual(await failure('setwalletflag', ['blank', true]), { code: -8, message: 'Wallet flag is immutable: blank' });
    assert.deepEqual(await failure('setwalletflag', ['disable_private_keys']), { code: -8, message: 'Wallet flag is immutable: disable_private_keys' });
    assert.deepEqual(await failure('setwalletflag', ['avoid_reuse', false]), { code: -8, message: 'Wallet flag is already set to false: avoid_reuse' });
    assert.equal((await failure('setwalletflag', ['avoid_reuse', 'yes'])).code, -3);
    assert.equal((await failure('setwalletflag', [7])).code, -3);
    const balances = await call<Balances>('getbalances');
    assert.equal(balances.mine.used, undefined, 'no used balance without the flag');
    const set = await call<{ flag_name: string; flag_state: boolean; warnings?: string }>('setwalletflag', ['avoid_reuse']);
    assert.equal(set.flag_name, 'avoid_reuse');
    assert.equal(set.flag_state, true);
    assert.match(set.warnings ?? '', /^You need to rescan the blockchain/);
    assert.equal((await call<{ avoid_reuse: boolean }>('getwalletinfo')).avoid_reuse, true);
    assert.deepEqual(await failure('setwalletflag', ['avoid_reuse', true]), { code: -8, message: 'Wallet flag is already set to true: avoid_reuse' });
  });

  test('avoid_reuse: coins on an address spent from are listed as reused, counted as used, and never selected', async () => {
    let balances = await call<Balances>('getbalances');
    assert.deepEqual([balances.mine.trusted, balances.mine.used], [500, 0], 'ten mature coins, none reused yet');
    const other = outsideKey().address;
    await call('sendtoaddress', [other, 1]);
    // One coinbase of mineAddress is spent: the nine others sit on a used address now.
    balances = await call<Balances>('getbalances');
    assert.equal(balances.mine.used, 450);
    assert.ok(balances.mine.trusted > 48.9 && balances.mine.trusted < 49, `only the change is clean: ${balances.mine.trusted}`);
    assert.equal(await call('getbalance'), balances.mine.trusted, 'getbalance leaves used coins out too');
    const coins = await call<Unspent[]>('listunspent', [0]);
    assert.equal(coins.filter((c) => c.address === mineAddress && c.reused === true).length, 9, 'listunspent still lists them, marked');
    assert.ok(coins.every((c) => typeof c.reused === 'boolean'));
    assert.equal(coins.filter((c) => c.reused === false).length, 1, 'the change is not reused');
    assert.equal((await failure('sendtoaddress', [other, 60])).code, -6, 'the reused coins cannot pay');
    // Off again: the same coins pay.
    assert.deepEqual(await call('setwalletflag', ['avoid_reuse', false]), { flag_name: 'avoid_reuse', flag_state: false });
    balances = await call<Balances>('getbalances');
    assert.equal(balances.mine.used, undefined);
    assert.ok(balances.mine.trusted > 498);
    assert.equal((await call<Unspent[]>('listunspent', [0]))[0].reused, undefined);
    assert.match(await call<string>('sendtoaddress', [other, 60]), /^[0-9a-f]{64}$/);
    await call('generatetoaddress', [1, other]);
    // Set for the restart check below.
    await call('setwalletflag', ['avoid_reuse', true]);
  });

  // Before importprunedfunds: a full rescan would find the removed tx again, as in Core.
  test('abortrescan: false with no rescan; a running rescanblockchain stops with Core\'s -1', async () => {
    assert.equal(await call('abortrescan'), false);
    // The rescan runs block by block and gives the event loop a turn between blocks, so an
    // abortrescan sent while it runs lands in it; try again if one finished first.
    let aborted: { code: number; message: string } | undefined;
    for (let attempt = 0; attempt < 30 && !aborted; attempt++) {
      const rescan = call('rescanblockchain', [0]).then(
        () => undefined,
        (err: unknown) => (err instanceof RpcError ? { code: err.code, message: err.message } : Promise.reject(err)),
      );
      let done = false;
      void rescan.then(() => (done = true));
      let answered = false;
      while (!done && !answered) answered = await call<boolean>('abortrescan');
      const result = await rescan;
      if (answered) {
        assert.ok(result, 'the rescan that was told to stop failed');
        aborted = result;
      }
    }
    assert.deepEqual(aborted, { code: -1, message: 'Rescan aborted by user.' });
    assert.equal(await call('abortrescan'), false, 'nothing is running any more');
    assert.equal((await call<{ scanning: unknown }>('getwalletinfo')).scanning, false);
    // A rescan left alone still finishes.
    assert.equal((await call<{ start_height: number }>('rescanblockchain', [0])).start_height, 0);
  });

  test('importprunedfunds adds a proven tx paying the wallet; removeprunedfunds deletes one; Core\'s errors', async () => {
    const key = outsideKey();
    // Two coinbases to a key the wallet does not hold yet: the wallet skips both blocks.
    const [keptBlock, removedBlock] = await call<string[]>('generatetoaddress', [2, key.address]);
    const coinbase = async (hash: string) => (await call<{ tx: string[] }>('getblock', [hash])).tx[0];
    pruned.kept = await coinbase(keptBlock);
    pruned.removed = await coinbase(removedBlock);
    const raw = (txid: string, hash: string) => call<string>('getrawtransaction', [txid, false, hash]);
    const [keptHex, removedHex] = [await raw(pruned.kept, keptBlock), await raw(pruned.removed, removedBlock)];
    const keptProof = await call<string>('gettxoutproof', [[pruned.kept], keptBlock]);
    const removedProof = await call<string>('gettxoutproof', [[pruned.removed], removedBlock]);

    // Not ours yet: no output pays the wallet.
    assert.deepEqual(await failure('importprunedfunds', [keptHex, keptProof]), { code: -5, message: 'No addresses in wallet correspond to included transaction' });
    assert.equal(await call('importprivkey', [key.wif, 'pruned', false]), null);
    assert.equal((await failure('gettransaction', [pruned.kept])).code, -5, 'imported without a rescan: the wallet has not seen the tx');

    assert.deepEqual(await failure('importprunedfunds', ['zz', keptProof]), { code: -22, message: 'TX decode failed. Make sure the tx has at least one input.' });
    assert.equal((await failure('importprunedfunds', [keptHex, 'xyz'])).code, -8);
    assert.equal((await failure('importprunedfunds', [keptHex, '00'])).code, -22);
    assert.deepEqual(await failure('importprunedfunds', [removedHex, keptProof]), { code: -5, message: "Transaction given doesn't exist in proof" });
    const tampered = (at: number) => keptProof.slice(0, at * 2) + (Number.parseInt(keptProof.slice(at * 2, at * 2 + 2), 16) ^ 1).toString(16).padStart(2, '0') + keptProof.slice(at * 2 + 2);
    assert.deepEqual(await failure('importprunedfunds', [keptHex, tampered(36)]), { code: -5, message: 'Something wrong with merkleblock' }, 'merkle root changed');
    assert.deepEqual(await failure('importprunedfunds', [keptHex, tampered(68)]), { code: -5, message: 'Block not found in chain' }, 'header time changed: another block');

    const immatureBefore = (await call<Balances>('getbalances')).mine.immature;
    assert.equal(await call('importprunedfunds', [keptHex, keptProof]), null);
    assert.equal(await call('importprunedfunds', [removedHex, removedProof]), null);
    const tx = await call<{ blockhash: string; confirmations: number; amount: number }>('gettransaction', [pruned.kept]);
    assert.equal(tx.blockhash, keptBlock);
    assert.ok(tx.confirmations >= 2);
    assert.equal((await call<Balances>('getbalances')).mine.immature, immatureBefore + 100);

    assert.deepEqual(await failure('removeprunedfunds', ['nothex']), { code: -8, message: "txid must be hexadecimal string (not 'nothex')" });
    const unknown = '11'.repeat(32);
    assert.deepEqual(await failure('removeprunedfunds', [unknown]), { code: -4, message: `Transaction ${unknown} does not belong to this wallet` });
    assert.equal(await call('removeprunedfunds', [pruned.removed]), null);
    assert.equal((await failure('gettransaction', [pruned.removed])).code, -5);
    assert.equal((await call<Balances>('getbalances')).mine.immature, immatureBefore + 50);
  });

  test('simulaterawtransaction: balance change of txs applied in order, with Core\'s errors', async () => {
    const coin = (await call<Unspent[]>('listunspent', [1])).find((c) => c.amount === 50)!;
    const outside = outsideKey().address;
    const own = await call<string>('getnewaddress');
    const pay = async (inputs: Array<{ txid: string; vout: number }>, outputs: Record<string, number>) => call<string>('createrawtransaction', [inputs, outputs]);
    // 50 in, 10 to an outside address and 39.99 back to us: the wallet loses 10.01.
    const spend = await pay([{ txid: coin.txid, vout: coin.vout }], { [outside]: 10, [own]: 39.99 });
    assert.deepEqual(await call('simulaterawtransaction', [[spend]]), { balance_change: -10.01 });
    // A second tx spending the first one's output to us, all of it outside: -39.99 more.
    const spendTxid = (await call<{ txid: string }>('decoderawtransaction', [spend])).txid;
    const ownVout = (await call<{ vout: Array<{ scriptPubKey: { address: string } }> }>('decoderawtransaction', [spend])).vout.findIndex((o) => o.scriptPubKey.address === own);
    const chained = await pay([{ txid: spendTxid, vout: ownVout }], { [outside]: 39.98 });
    assert.deepEqual(await call('simulaterawtransaction', [[spend, chained]]), { balance_change: -50 });
    assert.deepEqual(await call('simulaterawtransaction', [[spend, chained], { include_watchonly: false }]), { balance_change: -50 });
    assert.deepEqual(await call('simulaterawtransaction', [[]]), { balance_change: 0 });
    // Out of order, the second tx's input is nowhere yet.
    assert.deepEqual(await failure('simulaterawtransaction', [[chained, spend]]), { code: -8, message: 'One or more transaction inputs are missing or have been spent already' });
    const twice = await pay([{ txid: coin.txid, vout: coin.vout }], { [outside]: 1 });
    assert.deepEqual(await failure('simulaterawtransaction', [[spend, twice]]), { code: -8, message: 'Transaction(s) are spending the same output more than once' });
    const nowhere = await pay([{ txid: '22'.repeat(32), vout: 0 }], { [outside]: 1 });
    assert.deepEqual(await failure('simulaterawtransaction', [[nowhere]]), { code: -8, message: 'One or more transaction inputs are missing or have been spent already' });
    assert.deepEqual(await failure('simulaterawtransaction', [['zz']]), { code: -22, message: 'Transaction hex string decoding failure.' });
    assert.equal((await failure('simulaterawtransaction', [[spend], { include_watchonly: 'yes' }])).code, -3);
    assert.deepEqual(await failure('simulaterawtransaction', [[spend], { other: true }]), { code: -3, message: 'Unexpected key other' });
    assert.equal((await failure('simulaterawtransaction', [])).code, -3);
    assert.equal((await failure('simulaterawtransaction', [[7]])).code, -3);
  });

  test('after a restart: the flag, the pool and the pruned-funds changes are still there', async () => {
    await call('stop');
    await daemon.exited;
    daemon = await startDaemon(datadir);
    const info = await call<{ avoid_reuse: boolean; keypoolsize: number }>('getwalletinfo');
    assert.equal(info.avoid_reuse, true);
    assert.ok(info.keypoolsize >= 140, `pool kept: ${info.keypoolsize}`);
    assert.equal(typeof (await call<Balances>('getbalances')).mine.used, 'number');
    assert.equal((await call<{ txid: string }>('gettransaction', [pruned.kept])).txid, pruned.kept);
    assert.equal((await failure('gettransaction', [pruned.removed])).code, -5);
    assert.equal(await call('setwalletflag', ['avoid_reuse', false]).then(() => (call<{ avoid_reuse: boolean }>('getwalletinfo'))).then((i) => i.avoid_reuse), false);
  });

  test('keypoolrefill on a locked encrypted wallet is -13, and works unlocked', async () => {
    await call('createwallet', ['locked', false, false, 'a pass phrase']);
    const locked = new RpcClient({ url: `http://127.0.0.1:${daemon.rpcPort}/wallet/locked`, credentials: readCookie(daemon.networkDir), timeoutMs: 60_000 });
    assert.deepEqual(await failure('keypoolrefill', [50], locked), { code: -13, message: 'Error: Please enter the wallet passphrase with walletpassphrase first.' });
    assert.deepEqual(await failure('keypoolrefill', [-5], locked), { code: -8, message: 'Invalid parameter, expected valid size.' }, 'the size is checked first, as Core');
    await locked.call('walletpassphrase', ['a pass phrase', 60]);
    assert.equal(await locked.call('keypoolrefill', [50]), null);
    assert.equal((await locked.call<{ keypoolsize: number }>('getwalletinfo')).keypoolsize, 50);
  });
});
