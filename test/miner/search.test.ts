import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { compactToTarget } from '../../src/consensus/compact.js';
import { bitcoin, networks } from '../../src/params/index.js';
import { hashToHex } from '../../src/primitives/bytes.js';
import { type SearchImpl, bestSearchImpl, searchNonces } from '../../src/miner/search.js';
import { headerHash, midstate, searchConstants } from '../../src/miner/sha256-js.js';
import { wasmSimdSupported } from '../../src/primitives/wasm/wasm-api.js';
import { hashNumber, nobleSha256d, opensslSha256d, referenceSearch, withNonce } from './reference.js';

const impls: SearchImpl[] = ['js', 'wasm'];
const skipWasm = (impl: SearchImpl) => ({ skip: impl === 'wasm' && !wasmSimdSupported() ? 'no WebAssembly SIMD here' : false });

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

function genesisHeader(network: { genesisBlock: string }): Uint8Array {
  return Uint8Array.from(Buffer.from(network.genesisBlock.slice(0, 160), 'hex'));
}

test('WebAssembly SIMD is found on this runtime, so the fast loop is the default', () => {
  assert.equal(wasmSimdSupported(), true);
  assert.equal(bestSearchImpl(), 'wasm');
});

test('the midstate and full header hash agree with node:crypto', () => {
  const header = randomBytes(80);
  for (const nonce of [0, 1, 0x12345678, 0xffffffff]) {
    assert.deepEqual(headerHash(searchConstants(header, 0n), nonce), new Uint8Array(opensslSha256d(withNonce(header, nonce))));
  }
  assert.equal(midstate(header).length, 8);
});

for (const impl of impls) {
  describe(`${impl} loop`, skipWasm(impl), () => {
    test('finds the same first nonce and hash count as node:crypto on 3,000 random headers (target 2^252)', () => {
      const next = lcg(impl === 'js' ? 1 : 2);
      const target = 1n << 252n; // about 1 nonce in 16 solves
      for (let i = 0; i < 3000; i++) {
        const header = randomBytes(80);
        const length = next() % 48; // 0..47 nonces: empty, short, and a few lanes' worth
        const startNonce = i % 10 === 0 ? 2 ** 32 - length : next(); // some ranges end at 2^32
        const endNonce = Math.min(2 ** 32, startNonce + length);
        const expected = referenceSearch(header, target, startNonce, endNonce);
        assert.deepEqual(searchNonces({ header, target, startNonce, endNonce }, impl), expected, `header ${header.toString('hex')} [${startNonce}, ${endNonce})`);
      }
    });

    test('agrees with @noble/hashes on 1,000 random headers and random targets from 2^248 to 2^255', () => {
      const next = lcg(impl === 'js' ? 3 : 4);
      for (let i = 0; i < 1000; i++) {
        const header = randomBytes(80);
        const target = (1n << BigInt(248 + (next() % 8))) + BigInt(next());
        const startNonce = next();
        const endNonce = Math.min(2 ** 32, startNonce + 1 + (next() % 300));
        assert.deepEqual(searchNonces({ header, target, startNonce, endNonce }, impl), referenceSearch(header, target, startNonce, endNonce, nobleSha256d));
      }
    });

    test('a hash whose top word ties the target is compared in full: equal solves, one above does not', () => {
      const header = randomBytes(80);
      for (const nonce of [7, 8, 9, 10]) { // every lane position of a 4-way group
        const value = hashNumber(opensslSha256d(withNonce(header, nonce)));
        for (const target of [value, value - 1n]) {
          assert.deepEqual(searchNonces({ header, target, startNonce: 4, endNonce: 20 }, impl), referenceSearch(header, target, 4, 20));
        }
        assert.deepEqual(searchNonces({ header, target: value, startNonce: nonce, endNonce: nonce + 1 }, impl), { nonce, hashes: 1 });
        assert.deepEqual(searchNonces({ header, target: value - 1n, startNonce: nonce, endNonce: nonce + 1 }, impl), { nonce: undefined, hashes: 1 });
      }
    });

    test('mines the regtest genesis from nonce 0 to its stored nonce and hash', () => {
      const header = genesisHeader(networks.regtest);
      const result = searchNonces({ header, target: compactToTarget(0x207fffff), startNonce: 0, endNonce: 1000 }, impl);
      assert.deepEqual(result, { nonce: 0, hashes: 1 });
      assert.equal(hashToHex(headerHash(searchConstants(header, 0n), 0)), networks.regtest.genesisHash);
    });

    test("finds Bitcoin's genesis nonce 2083236893 at difficulty 1", () => {
      const header = genesisHeader(bitcoin);
      const result = searchNonces({ header, target: compactToTarget(0x1d00ffff), startNonce: 2083236893 - 5000, endNonce: 2083236893 + 5000 }, impl);
      assert.deepEqual(result, { nonce: 2083236893, hashes: 5001 });
    });

    test('an exhausted range returns undefined and counts every nonce; an empty one counts none', () => {
      const header = randomBytes(80);
      assert.deepEqual(searchNonces({ header, target: 0n, startNonce: 1000, endNonce: 100_000 }, impl), { nonce: undefined, hashes: 99_000 });
      assert.deepEqual(searchNonces({ header, target: 1n << 255n, startNonce: 5, endNonce: 5 }, impl), { nonce: undefined, hashes: 0 });
    });

    test('a target of 2^256 or more accepts the first nonce', () => {
      assert.deepEqual(searchNonces({ header: randomBytes(80), target: 1n << 260n, startNonce: 3, endNonce: 9 }, impl), { nonce: 3, hashes: 1 });
    });
  });
}

test('bad ranges and headers are rejected', () => {
  const header = new Uint8Array(80);
  for (const [startNonce, endNonce] of [[-1, 5], [5, 4], [0, 2 ** 32 + 1], [0.5, 2]]) {
    assert.throws(() => searchNonces({ header, target: 0n, startNonce, endNonce }), RangeError);
  }
  assert.throws(() => searchNonces({ header: new Uint8Array(79), target: 0n, startNonce: 0, endNonce: 1 }), RangeError);
});
