/**
 * Fee bumping end to end on a real node: bumpfee replaces a wallet send in the real mempool
 * (BIP125 rules), the wallet tracks both sides (walletconflicts, replaced_by_txid,
 * replaces_txid, negative confirmations once the replacement is mined), and abandontransaction
 * frees a tx that is neither confirmed nor in the pool; psbtbumpfee's PSBT, signed, replaces too. Core's errors for each precondition.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Stack, openStack, rpcError } from './stack.js';

const OUTSIDE = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

interface WalletTxJson {
  confirmations: number;
  fee: number;
  walletconflicts: string[];
  'bip125-replaceable': string;
  replaced_by_txid?: string;
  replaces_txid?: string;
  trusted?: boolean;
  details: Array<{ abandoned?: boolean; category: string }>;
}

async function mine(s: Stack, blocks: number, address = OUTSIDE): Promise<void> {
  await s.client.call('generatetoaddress', [blocks, address]);
  await s.wallet!.idle();
}

describe('bumpfee and abandontransaction', () => {
  let s: Stack;
  before(async () => {
    s = await openStack({ wallet: true });
    await mine(s, 103, await s.client.call<string>('getnewaddress')); // three mature coinbases
  });
  after(() => s.close());

  test('a send signals BIP125; bumpfee replaces it in the mempool and the wallet tracks both; the bump is mined instead', async () => {
    const balance = await s.client.call<number>('getbalance');
    const original = await s.client.call<string>('sendtoaddress', [OUTSIDE, 1]);
    const before = await s.client.call<WalletTxJson>('gettransaction', [original]);
    assert.equal(before['bip125-replaceable'], 'yes');
    const bumped = await s.client.call<{ txid: string; origfee: number; fee: number; errors: string[] }>('bumpfee', [original]);
    assert.deepEqual(bumped.errors, []);
    assert.equal(bumped.origfee, -before.fee);
    assert.ok(bumped.fee > bumped.origfee, 'pays more');
    assert.deepEqual(await s.client.call('getrawmempool'), [bumped.txid]);

    const old = await s.client.call<WalletTxJson>('gettransaction', [original]);
    assert.equal(old.confirmations, 0);
    assert.equal(old.trusted, false);
    assert.deepEqual(old.walletconflicts, [bumped.txid]);
    assert.equal(old.replaced_by_txid, bumped.txid);
    assert.ok(old.details.every((d) => d.abandoned !== true), 'replaced is not abandoned (Core keeps it inactive until the user abandons it)');
    const fresh = await s.client.call<WalletTxJson>('gettransaction', [bumped.txid]);
    assert.deepEqual(fresh.walletconflicts, [original]);
    assert.equal(fresh.replaces_txid, original);
    assert.equal(fresh['bip125-replaceable'], 'yes');
    assert.equal((await s.client.call<Record<string, unknown>>('getmempoolentry', [bumped.txid]))['bip125-replaceable'], true);
    // Only the bump counts: the payment and its fee leave the balance once.
    assert.equal(Math.round((await s.client.call<number>('getbalance')) * 1e8), Math.round((balance - 1 - bumped.fee) * 1e8));

    const again = await rpcError(s, 'bumpfee', [original]);
    assert.deepEqual(again, { code: -4, message: `Cannot bump transaction ${original} which was already bumped by transaction ${bumped.txid}` });

    await mine(s, 1);
    const conflicted = await s.client.call<WalletTxJson>('gettransaction', [original]);
    assert.equal(conflicted.confirmations, -1, 'conflicted by a block: negative confirmations');
    assert.deepEqual(conflicted.walletconflicts, [bumped.txid]);
    assert.equal((await s.client.call<WalletTxJson>('gettransaction', [bumped.txid])).confirmations, 1);
    assert.deepEqual(await rpcError(s, 'bumpfee', [bumped.txid]), { code: -4, message: 'Transaction has been mined, or is conflicted with a mined transaction' });
    assert.deepEqual(await rpcError(s, 'abandontransaction', [original]), { code: -5, message: 'Transaction not eligible for abandonment' });
  });

  test('fee_rate: below the pool floor (-4), not enough over the old fee (-8), or with conf_target (-8); a good one is used', async () => {
    const txid = await s.client.call<string>('sendtoaddress', [OUTSIDE, 0.5, '', '', false, true, null, 'unset', false, 3]);
    const low = await rpcError(s, 'bumpfee', [txid, { fee_rate: 0.5 }]);
    assert.equal(low.code, -4);
    assert.match(low.message, /^New fee rate \(0\.500 sat\/vB\) is lower than the minimum fee rate \(1\.000 sat\/vB\) to get into the mempool -- $/);
    const small = await rpcError(s, 'bumpfee', [txid, { fee_rate: 4 }]);
    assert.equal(small.code, -8);
    assert.match(small.message, /^Insufficient total fee 0\.\d{8}, must be at least 0\.\d{8} \(oldFee 0\.\d{8} \+ incrementalFee 0\.\d{8}\)$/);
    assert.equal((await rpcError(s, 'bumpfee', [txid, { fee_rate: 20, conf_target: 2 }])).code, -8);
    assert.deepEqual(await rpcError(s, 'bumpfee', [txid, { fee_ratee: 20 }]), { code: -3, message: 'Unexpected key fee_ratee' });
    const bumped = await s.client.call<{ txid: string; fee: number }>('bumpfee', [txid, { fee_rate: 25 }]);
    const vsize = (await s.client.call<{ vsize: number }>('getmempoolentry', [bumped.txid])).vsize;
    const rate = (bumped.fee * 1e8) / vsize;
    assert.ok(rate >= 25 && rate < 27, `fee rate ${rate} sat/vB`);
  });

  test('abandontransaction frees a replaced tx; a pool tx or an unknown id is refused (-5)', async () => {
    const txid = await s.client.call<string>('sendtoaddress', [OUTSIDE, 0.25]);
    assert.deepEqual(await rpcError(s, 'abandontransaction', [txid]), { code: -5, message: 'Transaction not eligible for abandonment' });
    const { txid: bump } = await s.client.call<{ txid: string }>('bumpfee', [txid]);
    assert.equal(await s.client.call('abandontransaction', [txid]), null);
    const abandoned = await s.client.call<WalletTxJson>('gettransaction', [txid]);
    assert.ok(abandoned.details.some((d) => d.category === 'send' && d.abandoned === true));
    assert.deepEqual(await rpcError(s, 'abandontransaction', ['ab'.repeat(32)]), { code: -5, message: 'Invalid or non-wallet transaction id' });
    assert.deepEqual(await rpcError(s, 'bumpfee', ['ab'.repeat(32)]), { code: -5, message: 'Invalid or non-wallet transaction id' });
    assert.ok((await s.client.call<string[]>('getrawmempool')).includes(bump));
  });

  test('psbtbumpfee answers the replacement unsigned; signed by walletprocesspsbt and sent, it replaces the original', async () => {
    const original = await s.client.call<string>('sendtoaddress', [OUTSIDE, 0.3]);
    const bumped = await s.client.call<{ psbt: string; origfee: number; fee: number; errors: string[] }>('psbtbumpfee', [original, { fee_rate: 30 }]);
    assert.deepEqual(bumped.errors, []);
    assert.ok(bumped.fee > bumped.origfee);
    assert.ok((await s.client.call<string[]>('getrawmempool')).includes(original), 'nothing sent yet');
    assert.equal((await s.client.call<WalletTxJson>('gettransaction', [original])).replaced_by_txid, undefined, 'nothing recorded yet');
    const decoded = await s.client.call<{ tx: { vin: Array<{ txid: string; sequence: number }> }; fee: number }>('decodepsbt', [bumped.psbt]);
    const originalTx = await s.client.call<{ vin: Array<{ txid: string; vout: number }> }>('getrawtransaction', [original, true]);
    assert.equal(decoded.tx.vin[0].txid, originalTx.vin[0].txid);
    assert.equal(decoded.tx.vin[0].sequence, 0xfffffffd);
    assert.equal(Math.round(decoded.fee * 1e8), Math.round(bumped.fee * 1e8));
    const signed = await s.client.call<{ complete: boolean; hex: string }>('walletprocesspsbt', [bumped.psbt]);
    assert.equal(signed.complete, true);
    const replacement = await s.client.call<string>('sendrawtransaction', [signed.hex]);
    const pool = await s.client.call<string[]>('getrawmempool');
    assert.ok(pool.includes(replacement) && !pool.includes(original));
    await s.wallet!.idle();
    assert.deepEqual((await s.client.call<WalletTxJson>('gettransaction', [original])).walletconflicts, [replacement]);
  });

  test('replaceable=false does not signal (bip125-replaceable "no"), yet full-RBF lets bumpfee replace it', async () => {
    const txid = await s.client.call<string>('sendtoaddress', [OUTSIDE, 0.1, '', '', false, false]);
    assert.equal((await s.client.call<WalletTxJson>('gettransaction', [txid]))['bip125-replaceable'], 'no');
    assert.equal((await s.client.call<Record<string, unknown>>('getmempoolentry', [txid]))['bip125-replaceable'], false);
    const bumped = await s.client.call<{ txid: string }>('bumpfee', [txid]);
    assert.ok((await s.client.call<string[]>('getrawmempool')).includes(bumped.txid));
    assert.ok(!(await s.client.call<string[]>('getrawmempool')).includes(txid));
  });
});

describe('bumpfee preconditions with a single coin', () => {
  let s: Stack;
  before(async () => {
    s = await openStack({ wallet: true });
    await mine(s, 101, await s.client.call<string>('getnewaddress')); // one mature coinbase
  });
  after(() => s.close());

  test('a tx whose change the wallet spent again has descendants in the wallet (-8)', async () => {
    const parent = await s.client.call<string>('sendtoaddress', [OUTSIDE, 1]);
    const child = await s.client.call<string>('sendtoaddress', [OUTSIDE, 1]); // only the parent's change can pay
    const raw = await s.client.call<{ vin: Array<{ txid: string }> }>('getrawtransaction', [child, true]);
    assert.equal(raw.vin[0].txid, parent);
    assert.deepEqual(await rpcError(s, 'bumpfee', [parent]), { code: -8, message: 'Transaction has descendants in the wallet' });
    // The child itself can be bumped: its unconfirmed parent is an input it already had.
    const bumped = await s.client.call<{ txid: string }>('bumpfee', [child]);
    assert.ok((await s.client.call<string[]>('getrawmempool')).includes(bumped.txid));
  });
});
