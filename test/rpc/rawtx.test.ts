import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAddress } from '../../src/primitives/address.js';
import { toHex } from '../../src/primitives/bytes.js';
import { hash160 } from '../../src/primitives/hash.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { TestKey } from '../helpers/chain-harness.js';
import { type Stack, openStack, rpcError } from './stack.js';

const key = new TestKey('rpc rawtx');
const address = encodeAddress(hash160(key.publicKey), 'pcrt');
const COIN = 100_000_000n;

describe('raw transactions, the mempool and fee estimates', () => {
  let s: Stack;
  let coinbases: Transaction[];
  before(async () => {
    s = await openStack();
    const hashes = await s.client.call<string[]>('generatetoaddress', [103, address]);
    coinbases = [];
    for (const hash of hashes.slice(0, 3)) coinbases.push(Transaction.decode(Buffer.from(await s.client.call<string>('getblock', [hash, 0]), 'hex').subarray(81)));
  });
  after(() => s.close());

  const spend = (coinbase: Transaction, fee: bigint) => key.spend([{ outpoint: new OutPoint(coinbase.txidBytes(), 0), value: 50n * COIN }], [{ value: 50n * COIN - fee, script: key.script }]);

  test('sendrawtransaction accepts a signed spend; the mempool methods show it', async () => {
    const tx = spend(coinbases[0], 10_000n);
    const hex = toHex(tx.encode());
    assert.deepEqual(await s.client.call('testmempoolaccept', [[hex]]), [{ txid: tx.txid(), wtxid: tx.wtxid(), allowed: true, vsize: tx.vsize(), fees: { base: 0.0001 } }]);
    assert.equal(await s.client.call('sendrawtransaction', [hex]), tx.txid());
    assert.equal(await s.client.call('sendrawtransaction', [hex]), tx.txid(), 'already in the pool: answered again, as Core');
    assert.deepEqual(await s.client.call('getrawmempool'), [tx.txid()]);
    const entry = await s.client.call<Record<string, unknown>>('getmempoolentry', [tx.txid()]);
    assert.equal(entry.vsize, tx.vsize());
    assert.deepEqual(entry.fees, { base: 0.0001, modified: 0.0001, ancestor: 0.0001, descendant: 0.0001 });
    assert.equal(await s.client.call('getrawtransaction', [tx.txid()]), hex);
    const decoded = await s.client.call<Record<string, unknown>>('getrawtransaction', [tx.txid(), true]);
    assert.equal(decoded.txid, tx.txid());
    assert.equal((await s.client.call<{ size: number }>('getmempoolinfo')).size, 1);
    const fee = await s.client.call<{ feerate: number; blocks: number }>('estimatesmartfee', [2]);
    assert.equal(fee.blocks, 2);
    assert.ok(fee.feerate >= 0.00001);
  });

  test('-27 once mined; getrawtransaction by block hash; Core\'s no-txindex text otherwise', async () => {
    const tx = spend(coinbases[0], 10_000n);
    const [hash] = await s.client.call<string[]>('generatetoaddress', [1, address]);
    assert.deepEqual(await s.client.call('getrawmempool'), []);
    assert.deepEqual(await rpcError(s, 'sendrawtransaction', [toHex(tx.encode())]), { code: -27, message: 'Transaction outputs already in utxo set' });
    const found = await s.client.call<Record<string, unknown>>('getrawtransaction', [tx.txid(), true, hash]);
    assert.equal(found.in_active_chain, true);
    assert.equal(found.confirmations, 1);
    const missing = await rpcError(s, 'getrawtransaction', [tx.txid()]);
    assert.equal(missing.code, -5);
    assert.match(missing.message, /^No such mempool transaction. Use -txindex/);
  });

  test('-25 for unknown inputs, -26 with the reject reason for a bad signature or a low fee, -22 for garbage', async () => {
    const orphan = key.spend([{ outpoint: new OutPoint(new Uint8Array(32).fill(7), 0), value: COIN }], [{ value: COIN / 2n, script: key.script }]);
    assert.deepEqual(await rpcError(s, 'sendrawtransaction', [toHex(orphan.encode())]), { code: -25, message: 'bad-txns-inputs-missingorspent' });
    const good = spend(coinbases[1], 10_000n);
    const witness = [Uint8Array.from(good.inputs[0].witness[0]), good.inputs[0].witness[1]];
    witness[0][10] ^= 1;
    const forged = new Transaction({ ...good, inputs: [{ ...good.inputs[0], witness }] });
    const bad = await rpcError(s, 'sendrawtransaction', [toHex(forged.encode())]);
    assert.equal(bad.code, -26);
    assert.match(bad.message, /^mandatory-script-verify-flag-failed/);
    const cheap = await rpcError(s, 'sendrawtransaction', [toHex(spend(coinbases[1], 0n).encode())]);
    assert.equal(cheap.code, -26);
    assert.match(cheap.message, /min relay fee not met/);
    // Core's DecodeHexTx: text that is not hex is a decode failure too (-22), as is a 5 MB hex string that is no transaction.
    assert.deepEqual(await rpcError(s, 'sendrawtransaction', ['zz']), { code: -22, message: 'TX decode failed. Make sure the tx has at least one input.' });
    assert.deepEqual(await rpcError(s, 'sendrawtransaction', ['ab'.repeat(2_500_000)]), { code: -22, message: 'TX decode failed. Make sure the tx has at least one input.' });
    assert.deepEqual(await rpcError(s, 'decoderawtransaction', ['0g']), { code: -22, message: 'TX decode failed' });
    assert.deepEqual(await rpcError(s, 'decoderawtransaction', ['0000']), { code: -22, message: 'TX decode failed' });
    const rows = await s.client.call<Array<Record<string, unknown>>>('testmempoolaccept', [[toHex(forged.encode())]]);
    assert.equal(rows[0].allowed, false);
    assert.match(rows[0]['reject-reason'] as string, /^mandatory-script-verify-flag-failed/);
  });

  test('maxfeerate caps what sendrawtransaction will relay (-25)', async () => {
    const rich = spend(coinbases[2], COIN);
    assert.equal((await rpcError(s, 'sendrawtransaction', [toHex(rich.encode())])).code, -25);
    assert.equal(await s.client.call('sendrawtransaction', [toHex(rich.encode()), 0]), rich.txid());
  });

  test('decoderawtransaction shows Core\'s fields', async () => {
    const tx = spend(coinbases[1], 5_000n);
    const decoded = await s.client.call<Record<string, unknown>>('decoderawtransaction', [toHex(tx.encode())]);
    assert.deepEqual(Object.keys(decoded), ['txid', 'hash', 'version', 'size', 'vsize', 'weight', 'locktime', 'vin', 'vout']);
    const vin = (decoded.vin as Array<Record<string, unknown>>)[0];
    assert.equal(vin.txid, coinbases[1].txid());
    assert.equal((vin.txinwitness as string[]).length, 2);
  });

  test('without p2p and wallet: -31 for peer commands, -32601 for wallet methods, empty peer list', async () => {
    assert.deepEqual(await s.client.call('getpeerinfo'), []);
    assert.equal(await s.client.call('getconnectioncount'), 0);
    assert.equal((await rpcError(s, 'addnode', ['/ip4/127.0.0.1/tcp/1', 'add'])).code, -31);
    assert.equal((await rpcError(s, 'getbalance')).code, -32601);
    const valid = await s.client.call<Record<string, unknown>>('validateaddress', [address]);
    assert.equal(valid.isvalid, true);
    assert.equal((await s.client.call<Record<string, unknown>>('validateaddress', ['nope'])).isvalid, false);
  });
});
