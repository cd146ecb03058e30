import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ecc from '@bitcoinerlab/secp256k1';
import { address as btcAddress, networks as btcNetworks } from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { networks } from '../../src/params/index.js';
import { fromHex, hash160, toHex } from '../../src/primitives/index.js';
import { addChecksum, decodeWif, encodeWif, WalletError } from '../../src/wallet/index.js';
import { deriveKey, newKdfParams, seal, unseal } from '../../src/wallet/encryption.js';
import { AccountKeys, accountFromMaster, childPrivateKey, keyPath, masterFromMnemonic } from '../../src/wallet/hd.js';
import { P2WPKH_DUST, estimateVsize, feeFor, selectCoins } from '../../src/wallet/selection.js';
import { MNEMONIC_A } from './fixture.js';

const ECPair = ECPairFactory(ecc);

describe('WIF', () => {
  test('the Bitcoin wiki key, compressed, on main', () => {
    const key = fromHex('0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d');
    assert.equal(encodeWif(key, networks.main), 'KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617');
    assert.deepEqual(decodeWif('KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617', networks.main), key);
  });

  test('agrees with ecpair on main (0x80) and test networks (0xef)', () => {
    for (let i = 1; i <= 5; i++) {
      const key = hash160(new Uint8Array([i])).subarray(0, 20);
      const full = new Uint8Array(32);
      full.set(key, 12);
      assert.equal(encodeWif(full, networks.main), ECPair.fromPrivateKey(full, { network: btcNetworks.bitcoin }).toWIF());
      assert.equal(encodeWif(full, networks.regtest), ECPair.fromPrivateKey(full, { network: btcNetworks.testnet }).toWIF());
      assert.equal(encodeWif(full, networks.test), ECPair.fromPrivateKey(full, { network: btcNetworks.testnet }).toWIF());
    }
  });

  test('refuses uncompressed keys, another network, and garbage with -5', () => {
    const key = fromHex('0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d');
    const isInvalid = (err: unknown) => err instanceof WalletError && err.rpcCode === -5;
    assert.throws(() => decodeWif('5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ', networks.main), isInvalid);
    assert.throws(() => decodeWif(encodeWif(key, networks.main), networks.regtest), isInvalid);
    assert.throws(() => decodeWif('not a key', networks.main), isInvalid);
  });
});

describe('BIP84 derivation', () => {
  const master = masterFromMnemonic(MNEMONIC_A);
  const account = accountFromMaster(master, networks.main);
  const keys = new AccountKeys(account.publicExtendedKey);

  test("BIP84's published vectors for m/84'/0'/0'", () => {
    const vectors = [
      { branch: 0, index: 0, wif: 'KyZpNDKnfs94vbrwhJneDi77V6jF64PWPF8x5cdJb8ifgg2DUc9d', pubkey: '0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c', address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu' },
      { branch: 0, index: 1, wif: 'Kxpf5b8p3qX56DKEe5NqWbNUP9MnqoRFzZwHRtsFqhzuvUJsYZCy', pubkey: '03e775fd51f0dfb8cd865d9ff1cca2a158cf651fe997fdc9fee9c1d3b5e995ea77', address: 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g' },
      { branch: 1, index: 0, wif: 'KxuoxufJL5csa1Wieb2kp29VNdn92Us8CoaUG3aGtPtcF3AzeXvF', pubkey: '03025324888e429ab8e3dbaf1f7802648b9cd01e9b418485c5fa4c1b9b5700e1a6', address: 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el' },
    ] as const;
    for (const v of vectors) {
      const publicKey = keys.publicKey(v.branch, v.index);
      assert.equal(toHex(publicKey), v.pubkey);
      assert.equal(encodeWif(childPrivateKey(account, v.branch, v.index), networks.main), v.wif);
      assert.equal(toHex(hash160(publicKey)), toHex(btcAddress.fromBech32(v.address).data));
    }
  });

  test("paths: coin type 0' on main, 1' on test and regtest", () => {
    assert.equal(keyPath(networks.main, 0, 5), "m/84'/0'/0'/0/5");
    assert.equal(keyPath(networks.regtest, 1, 3), "m/84'/1'/0'/1/3");
    assert.equal(keyPath(networks.test, 0, 0), "m/84'/1'/0'/0/0");
  });
});

describe('descriptor checksums', () => {
  test("BIP380's example", () => {
    assert.equal(addChecksum('raw(deadbeef)'), 'raw(deadbeef)#89f8spxm');
  });
});

describe('coin selection', () => {
  const coin = (value: bigint, depth = 6, trusted = true) => ({ value, depth, trusted });
  const request = (coins: ReturnType<typeof coin>[], value: bigint, subtractFee = false) => ({ coins, outputs: [{ value, scriptLength: 22 }], feeRate: 2_000n, subtractFee });

  test('a coin that covers the payment is spent with change back (selection.test.ts has the algorithms)', () => {
    const picked = selectCoins(request([coin(1_000_000n)], 40_000n));
    assert.equal(picked.inputs.length, 1);
    assert.equal(picked.fee, feeFor(estimateVsize(1, [22, 22]), 2_000n));
    assert.equal(picked.change, picked.inputs[0].value - 40_000n - picked.fee);
  });

  test('coins are combined when no single coin is enough', () => {
    const picked = selectCoins(request([coin(30_000n), coin(20_000n), coin(25_000n)], 50_000n));
    assert.ok(picked.inputs.length >= 2);
    const total = picked.inputs.reduce((sum, c) => sum + c.value, 0n);
    assert.equal(total, 50_000n + picked.fee + picked.change);
  });

  test('change below dust goes to the fee', () => {
    const feeNoChange = feeFor(estimateVsize(1, [22]), 2_000n);
    const picked = selectCoins(request([coin(100_000n)], 100_000n - feeNoChange - P2WPKH_DUST + 1n));
    assert.equal(picked.change, 0n);
    assert.equal(picked.fee, feeNoChange + P2WPKH_DUST - 1n);
  });

  test('confirmed coins first; unconfirmed only when trusted; else insufficient funds (-6)', () => {
    const picked = selectCoins(request([coin(1_000_000n, 0, true), coin(60_000n)], 50_000n));
    assert.deepEqual(picked.inputs.map((c) => c.value), [60_000n]);
    assert.equal(selectCoins(request([coin(1_000_000n, 0, true)], 50_000n)).inputs.length, 1);
    assert.throws(() => selectCoins(request([coin(1_000_000n, 0, false)], 50_000n)), (err: unknown) => err instanceof WalletError && err.rpcCode === -6);
  });

  test('subtracting the fee needs only the amount', () => {
    const picked = selectCoins(request([coin(50_000n)], 50_000n, true));
    assert.equal(picked.change, 0n);
    assert.equal(picked.deducted, feeFor(estimateVsize(1, [22]), 2_000n));
  });
});

describe('sealing secrets', () => {
  test('a wrong passphrase, another purpose or a flipped bit all fail authentication', async () => {
    const kdf = newKdfParams(8);
    const key = await deriveKey('pass', kdf);
    const aad = new TextEncoder().encode('purpose');
    const box = seal(key, kdf, new TextEncoder().encode('secret words'), aad);
    assert.equal(new TextDecoder().decode(unseal(key, box, aad)!), 'secret words');
    assert.equal(unseal(await deriveKey('Pass', kdf), box, aad), undefined);
    assert.equal(unseal(key, box, new TextEncoder().encode('other')), undefined);
    const flipped = { ...box, ciphertext: (box.ciphertext[0] === '0' ? '1' : '0') + box.ciphertext.slice(1) };
    assert.equal(unseal(key, flipped, aad), undefined);
    assert.notEqual(seal(key, kdf, new Uint8Array(4), aad).nonce, seal(key, kdf, new Uint8Array(4), aad).nonce);
  });
});
