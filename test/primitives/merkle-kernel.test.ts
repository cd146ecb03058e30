import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { computeMerkleRoot, computeMerkleRootJs } from '../../src/primitives/merkle.js';
import { MerkleKernel } from '../../src/primitives/wasm/merkle-kernel.js';
import { wasmSimdSupported } from '../../src/primitives/wasm/wasm-api.js';

const sha256d = (bytes: Uint8Array): Buffer => createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();

/** Core's ComputeMerkleRoot through OpenSSL, written apart from both implementations. */
function reference(leaves: readonly Uint8Array[]): { root: string; mutated: boolean } {
  let level: Buffer[] = leaves.map((leaf) => Buffer.from(leaf));
  let mutated = false;
  while (level.length > 1) {
    for (let i = 0; i + 1 < level.length; i += 2) if (level[i].equals(level[i + 1])) mutated = true;
    if (level.length % 2 === 1) level.push(level[level.length - 1]);
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(Buffer.concat([level[i], level[i + 1]])));
    level = next;
  }
  return { root: level[0].toString('hex'), mutated };
}

const random = (n: number): Uint8Array[] => Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));
const hex = ({ root, mutated }: { root: Uint8Array; mutated: boolean }) => ({ root: Buffer.from(root).toString('hex'), mutated });

describe('merkle trees: the WebAssembly SIMD kernel and the JS loop', { skip: wasmSimdSupported() ? false : 'no WebAssembly SIMD here' }, () => {
  const kernel = MerkleKernel.create()!;

  test('give Core\'s root for every size from 2 to 100 leaves (every group and odd-level shape), and for 2,000', () => {
    for (const n of [...Array.from({ length: 99 }, (_, i) => i + 2), 2_000]) {
      const leaves = random(n);
      const expected = reference(leaves);
      assert.deepEqual(hex(kernel.root(leaves)), expected, `kernel, ${n} leaves`);
      assert.deepEqual(hex(computeMerkleRootJs(leaves)), expected, `JS, ${n} leaves`);
    }
  });

  test('flag a pair of equal hashes at any level (CVE-2012-2459), but not an odd level paired with itself', () => {
    const [a, b, c, d, e] = random(5);
    const cases: Array<[string, Uint8Array[], boolean]> = [
      ['equal leaves', [a, b, c, c], true],
      ['equal subtrees one level up', [a, b, a, b], true],
      ['equal leaves in the last group of four pairs', [...random(10), e, e], true],
      ['three distinct leaves (the third paired with itself)', [a, b, c], false],
      ['equal leaves across pairs', [a, b, b, c], false],
      ['an odd last leaf equal to the one before it, in another pair', [a, b, c, d, d], false],
      ['five leaves, all distinct', [a, b, c, d, e], false],
    ];
    for (const [what, leaves, mutated] of cases) {
      const expected = reference(leaves);
      assert.equal(expected.mutated, mutated, `reference: ${what}`);
      assert.deepEqual(hex(kernel.root(leaves)), expected, `kernel: ${what}`);
      assert.deepEqual(hex(computeMerkleRootJs(leaves)), expected, `JS: ${what}`);
    }
  });

  test('grow the module memory for a large tree, and keep nothing of it for the next, smaller one', () => {
    const big = random(40_000);
    assert.deepEqual(hex(kernel.root(big)), reference(big));
    const small = random(7);
    assert.deepEqual(hex(kernel.root(small)), reference(small));
  });

  test('read leaves that are views at any offset, and refuse leaves that are not 32 bytes', () => {
    const backing = new Uint8Array(randomBytes(32 * 5 + 3));
    const leaves = Array.from({ length: 5 }, (_, i) => backing.subarray(3 + i * 32, 35 + i * 32));
    assert.deepEqual(hex(kernel.root(leaves)), reference(leaves));
    assert.throws(() => kernel.root([new Uint8Array(32), new Uint8Array(31)]), RangeError);
  });

  test('computeMerkleRoot: no leaves give zeros, one leaf is its own root (a copy)', () => {
    assert.deepEqual(hex(computeMerkleRoot([])), { root: '00'.repeat(32), mutated: false });
    const [leaf] = random(1);
    const { root } = computeMerkleRoot([leaf]);
    assert.deepEqual(root, leaf);
    assert.notEqual(root, leaf);
  });
});
