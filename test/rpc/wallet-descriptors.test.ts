/**
 * importdescriptors, gethdkeys and createwalletdescriptor against the real wallet of an
 * in-process node (real LevelDB, real chain): imported wpkh() descriptors are recognised, found
 * by the rescan their timestamp asks for, spent, handed out when active; what the wallet does not
 * take is refused with Core's codes. Persistence across a real daemon restart is in
 * wallet-descriptors-restart.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HDKey } from '@scure/bip32';
import { type Stack, openStack, rpcError } from './stack.js';

const VERSIONS = { private: 0x04358394, public: 0x043587cf };
const SINK = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

/** A fixed BIP32 root (regtest tprv) made from `fill`, so each test key is its own. */
export function root(fill: number): HDKey {
  return HDKey.fromMasterSeed(new Uint8Array(32).fill(fill), VERSIONS);
}

function fingerprint(key: HDKey): string {
  return key.fingerprint.toString(16).padStart(8, '0');
}

interface ImportResult {
  success: boolean;
  warnings?: string[];
  error?: { code: number; message: string };
}

interface DescriptorRow {
  desc: string;
  active: boolean;
  internal?: boolean;
  range?: [number, number];
  next_index?: number;
  timestamp: number;
}

describe('importdescriptors, gethdkeys, createwalletdescriptor', () => {
  let s: Stack;
  const call = <T = unknown>(method: string, params: unknown[] = []) => s.client.call<T>(method, params);
  /** The descriptor with its checksum (getdescriptorinfo's checksum is over the text as given). */
  const summed = async (text: string) => `${text}#${(await call<{ checksum: string }>('getdescriptorinfo', [text])).checksum}`;
  const publicForm = async (text: string) => (await call<{ descriptor: string }>('getdescriptorinfo', [text])).descriptor;
  /** The addresses of `text` (its private form derives hardened steps too). */
  const derive = async (text: string, range?: [number, number]) => call<string[]>('deriveaddresses', range ? [await summed(text), range] : [await summed(text)]);
  /** Core's normalised public form of a BIP84 branch under `key`, written out by hand. */
  const bip84 = (key: HDKey, branch: number) => publicForm(`wpkh([${fingerprint(key)}/84h/1h/0h]${key.derive("m/84'/1'/0'").publicExtendedKey}/${branch}/*)`);
  const importOne = async (request: Record<string, unknown>) => (await call<ImportResult[]>('importdescriptors', [[request]]))[0];
  const listed = async () => (await call<{ descriptors: DescriptorRow[] }>('listdescriptors')).descriptors;
  const balance = async () => call<number>('getbalance');
  const mined = async (blocks: number, address: string) => {
    await call('generatetoaddress', [blocks, address]);
    await s.wallet!.idle();
  };

  const a = root(1);
  const b = root(2);
  const rangedA = `wpkh(${a.privateExtendedKey}/84h/1h/0h/0/*)`;
  const rangedB = `wpkh(${b.privateExtendedKey}/84h/1h/0h/0/*)`;

  before(async () => {
    s = await openStack({ wallet: true });
    // Index 2 of descriptor A is paid a coinbase before the wallet knows A; it matures under the wallet's blocks.
    const [paidA] = await derive(rangedA, [2, 2]);
    await mined(1, paidA);
    await mined(101, await call<string>('getnewaddress'));
  });
  after(() => s.close());

  test('a ranged tprv descriptor with a timestamp after every block: its keys are ours, no rescan finds the older coin', async () => {
    const before = await balance();
    const tipTime = (await call<{ time: number }>('getblockheader', [await call<string>('getbestblockhash')])).time;
    // Core rescans from TIMESTAMP_WINDOW (2 h) before the timestamp: a day ahead reaches no block.
    const result = await importOne({ desc: await summed(rangedA), timestamp: tipTime + 86_400 });
    assert.deepEqual(result, { success: true, warnings: ['Range not given, using default keypool range'] });
    const [paidA] = await derive(rangedA, [2, 2]);
    assert.equal((await call<{ ismine: boolean }>('getaddressinfo', [paidA])).ismine, true);
    assert.equal(await balance(), before, 'no rescan reaches back to the first block');
  });

  test('imported again with timestamp 0: the rescan finds the coin, and the wallet spends it', async () => {
    const before = await balance();
    assert.deepEqual(await importOne({ desc: await summed(rangedA), timestamp: 0, range: [0, 30] }), { success: true });
    assert.equal(await balance(), before + 50);
    const [paidA] = await derive(rangedA, [2, 2]);
    const coin = (await call<Array<{ txid: string; vout: number; address: string }>>('listunspent')).find((c) => c.address === paidA)!;
    assert.ok(coin, 'the coin paid to descriptor A is listed');
    const funded = await call<{ psbt: string }>('walletcreatefundedpsbt', [[{ txid: coin.txid, vout: coin.vout }], [{ [SINK]: 49.99 }], 0, { add_inputs: false }]);
    const processed = await call<{ complete: boolean; hex: string }>('walletprocesspsbt', [funded.psbt]);
    assert.equal(processed.complete, true, "signed with the descriptor's private key");
    assert.match(await call<string>('sendrawtransaction', [processed.hex]), /^[0-9a-f]{64}$/);
  });

  test('listdescriptors shows it normalised ([fingerprint/84h/1h/0h]tpub.../0/*), not active, with its range', async () => {
    const rows = await listed();
    const expected = await bip84(a, 0);
    const found = rows.find((r) => r.desc === expected);
    assert.ok(found, JSON.stringify(rows));
    assert.equal(found.active, false);
    assert.deepEqual(found.range, [0, 30]);
    // The normalised form derives the same addresses as the form imported.
    assert.deepEqual(await call('deriveaddresses', [found.desc, [0, 3]]), await derive(rangedA, [0, 3]));
  });

  test('an active descriptor hands out getnewaddress; next_index persists into listdescriptors', async () => {
    const result = await importOne({ desc: await summed(rangedB), timestamp: 'now', active: true, range: [0, 9], next_index: 3 });
    assert.deepEqual(result, { success: true });
    const expected = await derive(rangedB, [3, 4]);
    assert.equal(await call('getnewaddress'), expected[0]);
    assert.equal(await call('getnewaddress'), expected[1]);
    const rows = await listed();
    const active = rows.filter((r) => r.active);
    assert.equal(active.length, 2, 'one receive (B) and the seed\'s change');
    const receive = active.find((r) => r.internal === false)!;
    assert.equal(receive.desc, await bip84(b, 0));
    assert.equal(receive.next_index, 5);
    // The seed's receive descriptor is listed, no longer active.
    assert.equal(rows.filter((r) => !r.active && r.desc.includes('/0/*')).length, 2, "the seed's and A's");
  });

  test('keypoolrefill derives the active imported descriptor out to newsize too (Core tops up every active one)', async () => {
    await call('keypoolrefill', [300]);
    const receive = (await listed()).find((r) => r.active && r.internal === false)!;
    assert.equal(receive.desc, await bip84(b, 0), 'B still hands out receive addresses');
    assert.ok(receive.range![1] >= receive.next_index! + 299, `range ${JSON.stringify(receive.range)} reaches 300 past next_index ${receive.next_index}`);
    assert.ok((await call<{ keypoolsize: number }>('getwalletinfo')).keypoolsize >= 300);
  });

  test('gethdkeys: the seed\'s root and each imported root, with their descriptors; active_only; private', async () => {
    const keys = await call<Array<{ xpub: string; has_private: boolean; xprv?: string; descriptors: Array<{ desc: string; active: boolean }> }>>('gethdkeys');
    const xpubs = keys.map((k) => k.xpub);
    assert.ok(xpubs.includes(a.publicExtendedKey) && xpubs.includes(b.publicExtendedKey), JSON.stringify(xpubs));
    assert.equal(keys.length, 3, 'the seed, A and B');
    assert.ok(keys.every((k) => k.has_private && k.xprv === undefined));
    const active = await call<typeof keys>('gethdkeys', [{ active_only: true }]);
    assert.deepEqual(active.map((k) => k.xpub).sort(), xpubs.filter((x) => x !== a.publicExtendedKey).sort(), 'A has no active descriptor');
    const withPrivate = await call<typeof keys>('gethdkeys', [{ private: true }]);
    assert.equal(withPrivate.find((k) => k.xpub === a.publicExtendedKey)!.xprv, a.privateExtendedKey);
    // The seed's xprv derives the wallet's own change descriptor.
    const seed = withPrivate.find((k) => k.xpub !== a.publicExtendedKey && k.xpub !== b.publicExtendedKey)!;
    const change = (await listed()).find((r) => r.active && r.internal)!;
    assert.deepEqual(await derive(`wpkh(${seed.xprv}/84h/1h/0h/1/*)`, [0, 3]), await call('deriveaddresses', [change.desc, [0, 3]]));
    assert.equal((await rpcError(s, 'gethdkeys', [{ private: 1 }])).code, -3);
  });

  test('createwalletdescriptor: needs hdkey when the active ones have two roots; adds A\'s BIP84 change, active; refuses repeats', async () => {
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['bech32'])).code, -4, 'B receives, the seed makes change: two roots');
    const made = await call<{ descs: string[] }>('createwalletdescriptor', ['bech32', { hdkey: a.publicExtendedKey }]);
    // A's receive descriptor exists (imported above): as Core, only the missing change one is made.
    assert.deepEqual(made.descs, [await bip84(a, 1)]);
    const [firstChange] = await call<string[]>('deriveaddresses', [made.descs[0], [0, 0]]);
    assert.equal(await call('getrawchangeaddress'), firstChange, 'change comes from A now');
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['bech32', { internal: false, hdkey: a.publicExtendedKey }])).message, 'Descriptor already exists');
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['bech32', { hdkey: a.publicExtendedKey }])).message, 'Descriptor already exists');
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['bech32', { hdkey: root(9).publicExtendedKey }])).code, -5, 'a key the wallet has no private key of');
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['bech32', { hdkey: 'tpubnonsense' }])).code, -5);
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['legacy'])).code, -8, 'our chain pays P2WPKH only');
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['nonsense'])).code, -5);
    assert.equal((await rpcError(s, 'createwalletdescriptor', [1])).code, -3);
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['bech32', { internal: 'yes' }])).code, -3);
  });

  test('a single-key descriptor with a label: the address is ours under that label', async () => {
    const text = `wpkh(${root(3).privateExtendedKey}/7)`;
    assert.deepEqual(await importOne({ desc: await summed(text), timestamp: 'now', label: 'single' }), { success: true });
    const [address] = await derive(text);
    assert.equal((await call<{ ismine: boolean; labels: string[] }>('getaddressinfo', [address])).ismine, true);
    assert.deepEqual(Object.keys(await call<Record<string, unknown>>('getaddressesbylabel', ['single'])), [address]);
  });

  test('refused per request with Core\'s codes: watch-only, other scripts, checksum, range and label rules', async () => {
    const xpubOnly = `wpkh(${b.publicExtendedKey}/0/*)`;
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ desc: await summed(xpubOnly), timestamp: 'now' }, -4, /without private keys to a wallet with private keys enabled/],
      [{ desc: await summed(`addr(${SINK})`), timestamp: 'now' }, -4, /without private keys/],
      [{ desc: await summed(`pkh(${root(4).privateExtendedKey}/0)`), timestamp: 'now' }, -4, /Only wpkh\(\)/],
      [{ desc: await summed(`wpkh(${root(4).privateExtendedKey}/0/*h)`), timestamp: 'now' }, -4, /Hardened ranges/],
      [{ desc: `wpkh(${root(4).privateExtendedKey}/0)`, timestamp: 'now' }, -5, /Missing checksum/],
      [{ desc: `wpkh(${root(4).privateExtendedKey}/0)#aaaaaaaa`, timestamp: 'now' }, -5, /does not match/],
      [{ desc: await summed(`wpkh(${root(4).privateExtendedKey}/0)`), timestamp: 'now', active: true }, -8, /Active descriptors must be ranged/],
      [{ desc: await summed(`wpkh(${root(4).privateExtendedKey}/0)`), timestamp: 'now', range: [0, 2] }, -8, /un-ranged/],
      [{ desc: await summed(`wpkh(${root(4).privateExtendedKey}/0/*)`), timestamp: 'now', label: 'x' }, -8, /Ranged descriptors should not have a label/],
      [{ desc: await summed(`wpkh(${root(4).privateExtendedKey}/0)`), timestamp: 'now', internal: true, label: 'x' }, -8, /Internal addresses/],
      [{ desc: await summed(`wpkh(${root(4).privateExtendedKey}/0/*)`), timestamp: 'now', range: [0, 5], next_index: 6 }, -8, /next_index is out of range/],
      [{ desc: await summed(`wpkh(${root(4).privateExtendedKey}/0/*)`), timestamp: 'now', range: [5, 2] }, -8, /begin after end/],
      [{ timestamp: 'now' }, -8, /Descriptor not found/],
    ];
    const results = await call<ImportResult[]>('importdescriptors', [cases.map(([request]) => request)]);
    results.forEach((result, i) => {
      assert.equal(result.success, false, `case ${i}`);
      assert.equal(result.error!.code, cases[i][1], `case ${i}: ${result.error!.message}`);
      assert.match(result.error!.message, cases[i][2], `case ${i}`);
    });
    // One bad request does not stop a good one beside it.
    const mixed = await call<ImportResult[]>('importdescriptors', [[cases[0][0], { desc: await summed(`wpkh(${root(5).privateExtendedKey}/0)`), timestamp: 'now' }]]);
    assert.deepEqual(mixed.map((r) => r.success), [false, true]);
  });

  test('whole-call errors: -3 for a missing timestamp or wrong JSON types', async () => {
    const desc = await summed(`wpkh(${root(6).privateExtendedKey}/0)`);
    assert.equal((await rpcError(s, 'importdescriptors', [[{ desc }]])).code, -3);
    assert.equal((await rpcError(s, 'importdescriptors', [[{ desc, timestamp: 'yesterday' }]])).code, -3);
    assert.equal((await rpcError(s, 'importdescriptors', [[{ desc, timestamp: 'now', active: 'yes' }]])).code, -3);
    assert.equal((await rpcError(s, 'importdescriptors', [{ desc }])).code, -3);
    assert.equal((await rpcError(s, 'importdescriptors', [['text']])).code, -3);
  });

  test('an encrypted, locked wallet: -13', async () => {
    await call('encryptwallet', ['descriptor passphrase']);
    const desc = await summed(`wpkh(${root(7).privateExtendedKey}/0)`);
    assert.equal((await rpcError(s, 'importdescriptors', [[{ desc, timestamp: 'now' }]])).code, -13);
    assert.equal((await rpcError(s, 'gethdkeys', [{ private: true }])).code, -13);
    assert.equal((await rpcError(s, 'createwalletdescriptor', ['bech32', { hdkey: a.publicExtendedKey }])).code, -13);
    assert.ok((await call<unknown[]>('gethdkeys')).length >= 3, 'public keys still show while locked');
    await call('walletpassphrase', ['descriptor passphrase', 60]);
    assert.deepEqual(await importOne({ desc, timestamp: 'now' }), { success: true });
  });
});
