/**
 * getreceivedbyaddress, listreceivedbyaddress, listaddressgroupings, listsinceblock and
 * signmessage/verifymessage against the real wallet, chain and mempool over HTTP. The message
 * signature is checked independently of our verifier: the digest built by hand, the key
 * recovered with noble, its hash160 compared with the address's program.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as secp from '@noble/secp256k1';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeAddress, hash160 } from '../../src/primitives/index.js';
import { toHex } from '../../src/primitives/bytes.js';
import { Branch } from '../helpers/chain-harness.js';
import { type Stack, openStack, rpcError } from './stack.js';

const STRANGER = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

describe('wallet listings and signed messages', () => {
  let s: Stack;
  let mine: string;
  let payee: string;
  let txid: string;
  let heightBeforeSend: number;
  const call = <T = unknown>(method: string, params: unknown[] = []) => s.client.call<T>(method, params);
  before(async () => {
    s = await openStack({ wallet: true });
    mine = await call<string>('getnewaddress', ['miner']);
    await call('generatetoaddress', [101, mine]);
    await s.wallet!.idle();
    heightBeforeSend = await call<number>('getblockcount');
    payee = await call<string>('getnewaddress', ['payee']);
    txid = await call<string>('sendtoaddress', [payee, '1.25']);
    await s.wallet!.idle();
  });
  after(() => s.close());

  test('getreceivedbyaddress: minconf, immature coinbases only when asked, -4 for a stranger', async () => {
    assert.equal(await call('getreceivedbyaddress', [mine]), 50);
    assert.equal(await call('getreceivedbyaddress', [mine, 1, true]), 5050);
    assert.equal(await call('getreceivedbyaddress', [payee]), 0);
    assert.equal(await call('getreceivedbyaddress', [payee, 0]), 1.25);
    assert.equal((await rpcError(s, 'getreceivedbyaddress', [STRANGER])).code, -4);
    assert.equal((await rpcError(s, 'getreceivedbyaddress', ['nonsense'])).code, -5);
  });

  test('listsinceblock: txs after the block, lastblock the tip, -5 for an unknown block', async () => {
    const since = await call<string>('getblockhash', [heightBeforeSend]);
    const pending = await call<{ transactions: Array<{ txid: string; category: string }>; lastblock: string }>('listsinceblock', [since]);
    assert.deepEqual([...new Set(pending.transactions.map((t) => t.txid))], [txid]);
    assert.equal(pending.lastblock, await call('getbestblockhash'));
    await call('generatetoaddress', [1, STRANGER]);
    await s.wallet!.idle();
    const after = await call<{ transactions: Array<{ txid: string; confirmations: number }>; lastblock: string }>('listsinceblock', [since]);
    assert.deepEqual([...new Set(after.transactions.map((t) => t.txid))], [txid]);
    assert.equal(after.transactions[0].confirmations, 1);
    const fromTip = await call<{ transactions: unknown[] }>('listsinceblock', [after.lastblock]);
    assert.deepEqual(fromTip.transactions, []);
    const all = await call<{ transactions: unknown[]; lastblock: string }>('listsinceblock', []);
    assert.ok(all.transactions.length >= 102, 'every coinbase and the send');
    const twoDeep = await call<{ lastblock: string }>('listsinceblock', ['', 2]);
    assert.equal(twoDeep.lastblock, await call('getblockhash', [heightBeforeSend]));
    assert.equal((await rpcError(s, 'listsinceblock', ['ab'.repeat(32)])).code, -5);
    assert.equal((await rpcError(s, 'listsinceblock', ['', 0])).code, -8);
  });

  test('listreceivedbyaddress: amounts, labels and txids; include_empty adds handed-out addresses never paid', async () => {
    const fresh = await call<string>('getnewaddress', ['empty']);
    const rows = await call<Array<{ address: string; amount: number; label: string; txids: string[]; confirmations: number }>>('listreceivedbyaddress');
    const byAddress = new Map(rows.map((row) => [row.address, row]));
    assert.equal(byAddress.get(payee)?.amount, 1.25);
    assert.deepEqual(byAddress.get(payee)?.txids, [txid]);
    assert.equal(byAddress.get(payee)?.label, 'payee');
    assert.equal(byAddress.get(mine)?.amount, 100, 'two mature coinbases now');
    assert.equal(byAddress.has(fresh), false);
    const withEmpty = await call<Array<{ address: string; amount: number }>>('listreceivedbyaddress', [1, true]);
    assert.deepEqual(withEmpty.find((row) => row.address === fresh), { address: fresh, amount: 0, confirmations: 0, label: 'empty', txids: [] });
    const filtered = await call<Array<{ address: string }>>('listreceivedbyaddress', [0, false, false, payee]);
    assert.deepEqual(filtered.map((row) => row.address), [payee]);
  });

  test('listaddressgroupings: the spent address and its change are one group; the payee has its own', async () => {
    const groups = await call<Array<Array<[string, number, string?]>>>('listaddressgroupings');
    const groupOf = (address: string) => groups.find((group) => group.some(([a]) => a === address));
    const minerGroup = groupOf(mine)!;
    assert.ok(minerGroup.length >= 2, 'the miner address with the change of the send');
    const change = minerGroup.find(([a]) => a !== mine)!;
    const changeInfo = await call<{ ischange: boolean }>('getaddressinfo', [change[0]]);
    assert.equal(changeInfo.ischange, true);
    assert.deepEqual(groupOf(payee), [[payee, 1.25, 'payee']]);
  });

  test('signmessage writes a BIP137 P2WPKH signature (header 39-42) that recovers to the address key', async () => {
    const message = 'powcoin proves ownership ✓';
    const signature = await call<string>('signmessage', [mine, message]);
    const bytes = Buffer.from(signature, 'base64');
    assert.equal(bytes.length, 65);
    assert.ok(bytes[0] >= 39 && bytes[0] <= 42, `header ${bytes[0]}`);
    const text = new TextEncoder().encode(message);
    const magic = new TextEncoder().encode('Bitcoin Signed Message:\n');
    const digest = sha256(sha256(Uint8Array.from([magic.length, ...magic, text.length, ...text])));
    const recovered = secp.recoverPublicKey(Uint8Array.from([bytes[0] - 39, ...bytes.subarray(1)]), digest, { prehash: false });
    assert.deepEqual(hash160(recovered), decodeAddress(mine, 'pcrt').program);
    assert.equal(await call('verifymessage', [mine, signature, message]), true);
    assert.equal(await call('verifymessage', [mine, signature, `${message}!`]), false);
    assert.equal(await call('verifymessage', [payee, signature, message]), false);
    assert.equal((await rpcError(s, 'verifymessage', [mine, 'not base64!', message])).code, -5);
    assert.equal((await rpcError(s, 'verifymessage', ['nonsense', signature, message])).code, -5);
    assert.equal((await rpcError(s, 'signmessage', [STRANGER, message])).code, -4);
  });

  test('listsinceblock after a reorg: listed from the fork, the detached block\'s wallet txs in removed; label keeps only its received entries', async () => {
    const forkHeight = await call<number>('getblockcount');
    const forkHash = await call<string>('getblockhash', [forkHeight]);
    const second = await call<string>('sendtoaddress', [payee, '0.5']);
    await call('generatetoaddress', [1, mine]);
    await s.wallet!.idle();
    const staleHash = await call<string>('getbestblockhash');
    const stale = (await s.chain.getBlock(staleHash))!;
    assert.deepEqual(stale.txs.map((tx) => tx.txid()).slice(1), [second], 'the stale block holds the payment');
    const rival = Branch.on(s.params, (await s.chain.getBlock(forkHash))!, forkHeight, 77);
    const [tie, overtaking] = rival.extend(2);
    assert.equal(await call('submitblock', [toHex(tie.encode())]), 'inconclusive', 'as Core: stored on a side branch of equal work');
    assert.equal(await call('submitblock', [toHex(overtaking.encode())]), null);
    await s.wallet!.idle();
    assert.equal(await call('getbestblockhash'), rival.tip.hash());

    type Entry = { txid: string; category: string; confirmations: number; label?: string };
    const result = await call<{ transactions: Entry[]; removed: Entry[]; lastblock: string }>('listsinceblock', [staleHash]);
    assert.deepEqual(new Set(result.removed.map((e) => e.txid)), new Set([stale.txs[0].txid(), second]), "the detached block's coinbase and payment");
    assert.ok(result.removed.every((e) => e.confirmations <= 0));
    assert.deepEqual(result.removed.filter((e) => e.txid === second).map((e) => e.category).sort(), ['receive', 'send']);
    assert.ok(result.transactions.some((e) => e.txid === second), 'listed from the fork: the payment is unconfirmed again');
    assert.equal(result.lastblock, rival.tip.hash());
    const withoutRemoved = await call<Record<string, unknown>>('listsinceblock', [staleHash, 1, false, false]);
    assert.equal('removed' in withoutRemoved, false);
    const onMain = await call<Record<string, unknown>>('listsinceblock', [forkHash]);
    assert.deepEqual(onMain.removed, [], 'a block still on the chain detaches nothing');

    const labelled = await call<{ transactions: Entry[] }>('listsinceblock', ['', 1, false, true, false, 'payee']);
    assert.deepEqual(new Set(labelled.transactions.map((e) => e.txid)), new Set([txid, second]));
    assert.ok(labelled.transactions.every((e) => e.category === 'receive' && e.label === 'payee'));
    assert.equal((await rpcError(s, 'listsinceblock', ['', 1, false, true, false, '*'])).code, -11);
  });
});
