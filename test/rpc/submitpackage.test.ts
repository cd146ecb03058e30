/**
 * submitpackage on a real in-process node with a wallet: a child pays for a zero-fee parent
 * (CPFP at the package fee rate), a package already in the pool is reported as such, a package
 * paying too little or above maxfeerate is refused whole, and bad input gets Core's codes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COIN, OTHER, type Signed, type Utxo, openFundedStack, signWithWallet as sign } from './funded-stack.js';
import { type Stack, rpcError } from './stack.js';

interface Submitted {
  package_msg: string;
  'tx-results': Record<string, { txid: string; vsize?: number; fees?: { base: number; 'effective-feerate'?: number; 'effective-includes'?: string[] }; error?: string; 'other-wtxid'?: string }>;
  'replaced-transactions': string[];
}

/** A parent paying `parentFee` to the wallet, and a child of it paying `childFee` to OTHER. */
async function parentAndChild(s: Stack, utxo: Utxo, parentFee: number, childFee: number): Promise<{ parent: Signed; child: Signed }> {
  const mine = await s.client.call<string>('getnewaddress');
  const parentValue = Math.round(utxo.amount * COIN) - parentFee;
  const parent = await sign(s, await s.client.call<string>('createrawtransaction', [[{ txid: utxo.txid, vout: utxo.vout }], [{ [mine]: parentValue / COIN }]]));
  const script = (await s.client.call<{ scriptPubKey: string }>('getaddressinfo', [mine])).scriptPubKey;
  const childRaw = await s.client.call<string>('createrawtransaction', [[{ txid: parent.txid, vout: 0 }], [{ [OTHER]: (parentValue - childFee) / COIN }]]);
  const child = await sign(s, childRaw, [{ txid: parent.txid, vout: 0, scriptPubKey: script, amount: parentValue / COIN }]);
  return { parent, child };
}

describe('submitpackage', { timeout: 600_000 }, () => {
  let s: Stack;
  let utxos: Utxo[];
  before(async () => {
    ({ stack: s, utxos } = await openFundedStack(6));
  });
  after(async () => {
    await s?.close();
  });

  test('a child pays for a zero-fee parent (CPFP at the package fee rate); resubmitted, both are pool entries', async () => {
    const { parent, child } = await parentAndChild(s, utxos[0], 0, 20_000);
    assert.equal((await rpcError(s, 'sendrawtransaction', [parent.hex])).code, -26);
    const result = await s.client.call<Submitted>('submitpackage', [[parent.hex, child.hex]]);
    const rate = Math.floor((20_000 * 1000) / (parent.vsize + child.vsize)) / COIN;
    assert.deepEqual(result, {
      package_msg: 'success',
      'tx-results': {
        [parent.wtxid]: { txid: parent.txid, vsize: parent.vsize, fees: { base: 0, 'effective-feerate': rate, 'effective-includes': [parent.wtxid, child.wtxid] } },
        [child.wtxid]: { txid: child.txid, vsize: child.vsize, fees: { base: 0.0002, 'effective-feerate': rate, 'effective-includes': [parent.wtxid, child.wtxid] } },
      },
      'replaced-transactions': [],
    });
    const pool = await s.client.call<string[]>('getrawmempool');
    assert.ok(pool.includes(parent.txid) && pool.includes(child.txid));
    const again = await s.client.call<Submitted>('submitpackage', [[parent.hex, child.hex]]);
    assert.equal(again.package_msg, 'success');
    assert.deepEqual(again['tx-results'][parent.wtxid], { txid: parent.txid, vsize: parent.vsize, fees: { base: 0 } });
    // The block template takes both (the child's fee pulls the parent in).
    const block = await s.client.call<string[]>('generatetoaddress', [1, OTHER]);
    const mined = (await s.client.call<{ tx: string[] }>('getblock', [block[0]])).tx;
    assert.ok(mined.includes(parent.txid) && mined.includes(child.txid));
  });

  test('a parent that pays its way is accepted alone, at its own rate', async () => {
    const { parent, child } = await parentAndChild(s, utxos[1], 5000, 5000);
    const result = await s.client.call<Submitted>('submitpackage', [[parent.hex, child.hex]]);
    assert.equal(result.package_msg, 'success');
    assert.deepEqual(result['tx-results'][parent.wtxid].fees!['effective-includes'], [parent.wtxid]);
    assert.deepEqual(result['tx-results'][child.wtxid].fees!['effective-includes'], [child.wtxid]);
  });

  test('a package paying too little, or above maxfeerate, is refused whole', async () => {
    const poor = await parentAndChild(s, utxos[2], 0, 50);
    const refused = await s.client.call<Submitted>('submitpackage', [[poor.parent.hex, poor.child.hex]]);
    assert.equal(refused.package_msg, 'transaction failed');
    assert.match(refused['tx-results'][poor.parent.wtxid].error!, /^min relay fee not met/);
    const pool = await s.client.call<string[]>('getrawmempool');
    assert.ok(!pool.includes(poor.parent.txid) && !pool.includes(poor.child.txid));

    const rich = await parentAndChild(s, utxos[3], 0, 1_000_000);
    const capped = await s.client.call<Submitted>('submitpackage', [[rich.parent.hex, rich.child.hex], 0.01]);
    assert.equal(capped.package_msg, 'transaction failed');
    assert.equal(capped['tx-results'][rich.child.wtxid].error, 'max feerate exceeded');
    assert.equal(capped['tx-results'][rich.parent.wtxid].error, 'unevaluated');
    assert.ok(!(await s.client.call<string[]>('getrawmempool')).includes(rich.child.txid));
  });

  test('bad parameters answer Core\'s codes', async () => {
    const { parent, child } = await parentAndChild(s, utxos[4], 1000, 1000);
    const other = await parentAndChild(s, utxos[5], 1000, 1000);
    assert.deepEqual(await rpcError(s, 'submitpackage', [[]]), { code: -8, message: 'Array must contain between 1 and 25 transactions.' });
    assert.equal((await rpcError(s, 'submitpackage', [Array(26).fill(parent.hex)])).code, -8);
    assert.deepEqual(await rpcError(s, 'submitpackage', [[parent.hex, other.child.hex]]), { code: -8, message: 'package topology disallowed. not child-with-parents or parents depend on each other.' });
    assert.equal((await rpcError(s, 'submitpackage', [[child.hex, parent.hex]])).code, -8);
    assert.equal((await rpcError(s, 'submitpackage', [['zz']])).code, -22);
    assert.equal((await rpcError(s, 'submitpackage', [[7]])).code, -3);
    assert.equal((await rpcError(s, 'submitpackage', ['x'])).code, -3);
    assert.equal((await rpcError(s, 'submitpackage', [[parent.hex], -1])).code, -3);
  });
});
