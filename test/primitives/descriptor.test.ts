/**
 * Output descriptors (primitives/descriptor): BIP380's checksums, the scripts of each kind
 * checked against bitcoinjs-lib, BIP32 test vector 1 through xprv/xpub keys, and refusals.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as bitcoin from 'bitcoinjs-lib';
import { main, regtest } from '../../src/params/index.js';
import { toHex } from '../../src/primitives/bytes.js';
import { Descriptor, DescriptorError } from '../../src/primitives/descriptor/descriptor.js';

const G = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const K2 = '02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5';
const K3 = '02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9';
const key = (hex: string) => Buffer.from(hex, 'hex');
const scripts = (text: string, index = 0) => Descriptor.parse(text, regtest).expand(index).scripts.map(toHex);
const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes!).toString('hex');

/** BIP32 test vector 1: master, and chain m/0H. */
const TV1_XPRV = 'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi';
const TV1_XPUB = 'xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8';
const TV1_M0H_PUB = '035a784662a4a20a65bf6aab9ae98a6c068a81c52e4b032c0fb5400c706cfccc56';

describe('descriptor checksums (BIP380)', () => {
  test('published checksums', () => {
    assert.equal(Descriptor.parse('raw(deadbeef)', regtest).toString(), 'raw(deadbeef)#89f8spxm');
    assert.equal(Descriptor.parse(`pk(${G})`, regtest).toString(), `pk(${G})#gn28ywm7`);
    assert.equal(Descriptor.parse(`pkh(${K2})`, regtest).toString(), `pkh(${K2})#8fhd9pwu`);
    assert.equal(Descriptor.parse(`wpkh(${K3})`, regtest).toString(), `wpkh(${K3})#8zl0zxma`);
    assert.equal(Descriptor.parse(`combo(${G})`, regtest).toString(), `combo(${G})#lq9sf04s`);
  });

  test('a wrong or missing checksum is refused when one is required', () => {
    assert.throws(() => Descriptor.parse('raw(deadbeef)#89f8spxn', regtest), DescriptorError);
    assert.throws(() => Descriptor.parse('raw(deadbeef)', regtest, { requireChecksum: true }), /Missing checksum/);
    assert.ok(Descriptor.parse('raw(deadbeef)#89f8spxm', regtest, { requireChecksum: true }));
  });
});

describe('descriptor scripts match bitcoinjs-lib', () => {
  test('pk, pkh, wpkh, sh(wpkh) and combo', () => {
    const pubkey = key(G);
    assert.deepEqual(scripts(`pk(${G})`), [hex(bitcoin.payments.p2pk({ pubkey }).output)]);
    assert.deepEqual(scripts(`pkh(${G})`), [hex(bitcoin.payments.p2pkh({ pubkey }).output)]);
    assert.deepEqual(scripts(`wpkh(${G})`), [hex(bitcoin.payments.p2wpkh({ pubkey }).output)]);
    assert.deepEqual(scripts(`sh(wpkh(${G}))`), [hex(bitcoin.payments.p2sh({ redeem: bitcoin.payments.p2wpkh({ pubkey }) }).output)]);
    assert.equal(scripts(`combo(${G})`).length, 4);
  });

  test('multi and sortedmulti, bare, in sh and in wsh', () => {
    const pubkeys = [K3, K2, G].map(key);
    const ms = bitcoin.payments.p2ms({ m: 2, pubkeys });
    assert.deepEqual(scripts(`multi(2,${K3},${K2},${G})`), [hex(ms.output)]);
    assert.deepEqual(scripts(`sh(multi(2,${K3},${K2},${G}))`), [hex(bitcoin.payments.p2sh({ redeem: ms }).output)]);
    assert.deepEqual(scripts(`wsh(multi(2,${K3},${K2},${G}))`), [hex(bitcoin.payments.p2wsh({ redeem: ms }).output)]);
    const sorted = bitcoin.payments.p2ms({ m: 2, pubkeys: [...pubkeys].sort(Buffer.compare) });
    assert.deepEqual(scripts(`wsh(sortedmulti(2,${K3},${K2},${G}))`), [hex(bitcoin.payments.p2wsh({ redeem: sorted }).output)]);
  });

  test('addresses: only P2WPKH outputs have one on our chain', () => {
    assert.deepEqual(Descriptor.parse(`wpkh(${G})`, regtest).addresses(), [bitcoin.payments.p2wpkh({ pubkey: key(G), network: { ...bitcoin.networks.regtest, bech32: 'pcrt' } }).address]);
    assert.throws(() => Descriptor.parse(`pkh(${G})`, regtest).addresses(), /does not have a corresponding address/);
    const address = Descriptor.parse(`wpkh(${G})`, regtest).addresses()[0];
    assert.deepEqual(scripts(`addr(${address})`), scripts(`wpkh(${G})`));
  });
});

describe('extended keys (BIP32 test vector 1)', () => {
  test('xprv with a hardened step, and the same key as xpub', () => {
    const fromPrivate = Descriptor.parse(`pk(${TV1_XPRV}/0')`, main);
    assert.equal(fromPrivate.hasPrivateKeys, true);
    const [derived] = fromPrivate.expand().keys;
    assert.equal(toHex(derived.publicKey), TV1_M0H_PUB);
    assert.equal(derived.origin.fingerprint, '3442193e');
    // The public form cannot take a hardened step.
    assert.throws(() => Descriptor.parse(`pk(${TV1_XPUB}/0')`, main).expand(), /without private keys/);
    assert.match(fromPrivate.toString(true), new RegExp(`^pk\\(${TV1_XPUB}/0'\\)#`));
  });

  test('ranges: * derives the index; the origin path grows with it', () => {
    const ranged = Descriptor.parse(`wpkh([deadbeef/84h/1h/0h]${TV1_XPUB}/0/*)`, main);
    assert.equal(ranged.isRange, true);
    const a = ranged.expand(0);
    const b = ranged.expand(1);
    assert.notDeepEqual(a.scripts, b.scripts);
    assert.equal(a.keys[0].origin.fingerprint, 'deadbeef');
    assert.equal(a.keys[0].origin.path.length, 5);
    assert.deepEqual(Descriptor.parse(`wpkh(${TV1_XPUB}/0/1)`, main).expand().scripts, b.scripts);
  });

  test('an xpub of another network is refused (tpub off main, as Core)', () => {
    assert.throws(() => Descriptor.parse(`wpkh(${TV1_XPUB}/0/*)`, regtest), /is not valid/);
  });
});

describe('refusals', () => {
  for (const [text, reason] of [
    [`wpkh(04${'11'.repeat(64)})`, /invalid|not allowed/],
    [`wsh(wpkh(${G}))`, /wpkh\(\) at top level or inside sh/],
    [`multi(3,${G},${K2})`, /threshold/],
    [`sh(sh(pk(${G})))`, /sh\(\) at top level/],
    [`tr(${G})`, /not supported/],
    ['wpkh()', /not valid/],
    [`pk(${G}`, /not a valid descriptor function/],
  ] as const) {
    test(text.slice(0, 40), () => assert.throws(() => Descriptor.parse(text, regtest), (err: Error) => err instanceof DescriptorError && reason.test(err.message)));
  }
});
