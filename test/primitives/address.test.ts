import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromHex, toHex } from '../../src/primitives/index.js';
import {
  AddressError,
  addressToScript,
  decodeAddress,
  decodeBech32String,
  decodeSegwitAddress,
  encodeAddress,
  encodeSegwitAddress,
  scriptToAddress,
  segwitOutputScript,
  type AddressErrorCode,
} from '../../src/primitives/address.js';
import { vectors } from '../helpers/vectors.js';

const b = vectors.bech32;

function throwsCode(fn: () => unknown, codes: AddressErrorCode | AddressErrorCode[], label?: string): void {
  const expected = Array.isArray(codes) ? codes : [codes];
  assert.throws(
    fn,
    (err: unknown) => {
      assert.ok(err instanceof AddressError, `${label}: expected an AddressError, got ${String(err)}`);
      assert.ok(expected.includes(err.code), `${label}: code ${err.code}, expected ${expected.join(' or ')}`);
      return true;
    },
    label,
  );
}

/** The published reasons, each mapped to the code our decoder gives for it. */
const REASON_CODES: Record<string, AddressErrorCode> = {
  'HRP character out of range': 'bad-character',
  'overall max length exceeded': 'bad-length',
  'No separator character': 'no-separator',
  'Empty HRP': 'empty-prefix',
  'empty HRP': 'empty-prefix',
  'Invalid data character': 'bad-character',
  'Too short checksum': 'bad-length',
  'Invalid character in checksum': 'bad-character',
  'checksum calculated with uppercase form of HRP': 'bad-checksum',
  'Invalid checksum': 'bad-checksum',
  'Invalid checksum (Bech32 instead of Bech32m)': 'wrong-encoding',
  'Invalid checksum (Bech32m instead of Bech32)': 'wrong-encoding',
  'Invalid witness version': 'bad-version',
  'Invalid program length': 'bad-program-length',
  'Invalid program length (1 byte)': 'bad-program-length',
  'Invalid program length (41 bytes)': 'bad-program-length',
  'Invalid program length for witness version 0 (per BIP141)': 'bad-program-length',
  'Mixed case': 'mixed-case',
  'zero padding of more than 4 bits': 'bad-padding',
  'Non-zero padding in 8-to-5 conversion': 'bad-padding',
  'Empty data section': 'empty-data',
};

describe('BIP173 / BIP350 bech32 strings', () => {
  test('valid bech32 strings decode as bech32', () => {
    for (const str of b.bip173_valid_bech32_strings.items as string[]) {
      assert.equal(decodeBech32String(str).encoding, 'bech32', str);
    }
  });

  test('valid bech32m strings decode as bech32m', () => {
    for (const str of b.bip350_valid_bech32m_strings.items as string[]) {
      assert.equal(decodeBech32String(str).encoding, 'bech32m', str);
    }
  });

  test('invalid bech32 strings are refused with the right code', () => {
    for (const { string, reason } of b.bip173_invalid_bech32_strings.items as { string: string; reason: string }[]) {
      throwsCode(() => decodeBech32String(string), REASON_CODES[reason], `${JSON.stringify(string)} (${reason})`);
    }
  });
});

describe('BIP350 segwit addresses', () => {
  test('valid addresses give the published scriptPubKey and re-encode', () => {
    for (const { address, scriptPubKey } of b.segwit_valid.items as { address: string; scriptPubKey: string }[]) {
      const { prefix, version, program } = decodeSegwitAddress(address);
      assert.equal(toHex(segwitOutputScript(version, program)), scriptPubKey, address);
      assert.equal(encodeSegwitAddress(prefix, version, program), address.toLowerCase());
    }
  });

  test('invalid addresses are refused with the right code', () => {
    const items = [...b.segwit_invalid.items, ...b.bip173_segwit_invalid_v0.items] as { address: string; reason: string }[];
    for (const { address, reason } of items) {
      const code = REASON_CODES[reason];
      if (reason === 'Invalid human-readable part') {
        // Well-formed, but for neither Bitcoin network: refused when the network is given.
        throwsCode(() => decodeSegwitAddress(address, 'bc'), 'wrong-prefix', address);
        throwsCode(() => decodeSegwitAddress(address, 'tb'), 'wrong-prefix', address);
      } else {
        throwsCode(() => decodeSegwitAddress(address), code, `${address} (${reason})`);
      }
    }
  });

  test('BIP173 v1+ examples with a bech32 checksum are invalid since BIP350', () => {
    for (const { address } of b.bip173_v1plus_now_invalid.items as { address: string }[]) {
      throwsCode(() => decodeSegwitAddress(address), 'wrong-encoding', address);
    }
  });
});

describe('powcoin P2WPKH addresses', () => {
  const PREFIXES = ['pc', 'tpc', 'pcrt'];
  const HASH = fromHex('751e76e8199196d454941c45d1b3a323f1433bd6');

  test('encode/decode round trip on every network, script included', () => {
    for (const prefix of PREFIXES) {
      const address = encodeAddress(HASH, prefix);
      assert.ok(address.startsWith(`${prefix}1q`), address);
      assert.deepEqual(decodeAddress(address, prefix), { version: 0, program: HASH });
      assert.equal(toHex(addressToScript(address, prefix)), '0014' + toHex(HASH));
      assert.equal(scriptToAddress(addressToScript(address, prefix), prefix), address);
      assert.deepEqual(decodeAddress(address.toUpperCase(), prefix).program, HASH, 'all upper case is fine');
    }
  });

  test('property: random key hashes round trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.constantFrom(...PREFIXES), (hash, prefix) => {
        assert.deepEqual(decodeAddress(encodeAddress(hash, prefix), prefix).program, hash);
      }),
    );
  });

  test('an address of another network is refused', () => {
    const address = encodeAddress(HASH, 'pc');
    throwsCode(() => decodeAddress(address, 'tpc'), 'wrong-prefix');
    throwsCode(() => decodeAddress(address, 'pcrt'), 'wrong-prefix');
    throwsCode(() => addressToScript(encodeAddress(HASH, 'tpc'), 'pc'), 'wrong-prefix');
    throwsCode(() => decodeAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'pc'), 'wrong-prefix');
  });

  test('property: any single changed data character is caught', () => {
    const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.nat(), fc.integer({ min: 1, max: 31 }), (hash, at, shift) => {
        const address = encodeAddress(hash, 'pc');
        const i = 3 + (at % (address.length - 3));
        const replaced = charset[(charset.indexOf(address[i]) + shift) % 32];
        const changed = address.slice(0, i) + replaced + address.slice(i + 1);
        throwsCode(() => decodeAddress(changed, 'pc'), ['bad-checksum', 'wrong-encoding'], changed);
      }),
    );
  });

  test('mixed case is refused', () => {
    const address = encodeAddress(HASH, 'pc');
    throwsCode(() => decodeAddress(address.slice(0, 5) + address.slice(5).toUpperCase(), 'pc'), 'mixed-case');
  });

  test('P2WSH and witness v1+ addresses are valid segwit but not P2WPKH', () => {
    throwsCode(() => decodeAddress(encodeSegwitAddress('pc', 0, new Uint8Array(32)), 'pc'), 'not-p2wpkh');
    throwsCode(() => decodeAddress(encodeSegwitAddress('pc', 1, new Uint8Array(32)), 'pc'), 'not-p2wpkh');
    throwsCode(() => decodeAddress(encodeSegwitAddress('pc', 1, HASH), 'pc'), 'not-p2wpkh');
  });

  test('scripts without an address', () => {
    assert.equal(scriptToAddress(fromHex('6a0401020304'), 'pc'), undefined);
    assert.equal(scriptToAddress(fromHex('0020' + '11'.repeat(32)), 'pc'), undefined);
    assert.equal(scriptToAddress(new Uint8Array(0), 'pc'), undefined);
  });

  test('encoding refuses a program that is not 20 bytes', () => {
    throwsCode(() => encodeAddress(new Uint8Array(19), 'pc'), 'bad-program-length');
    throwsCode(() => encodeSegwitAddress('pc', 0, new Uint8Array(21)), 'bad-program-length');
    throwsCode(() => encodeSegwitAddress('pc', 17, HASH), 'bad-version');
  });
});
