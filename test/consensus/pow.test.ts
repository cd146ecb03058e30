import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactToTarget, targetToCompact } from '../../src/consensus/compact.js';
import { blockProof, checkProofOfWork, hashToBigInt } from '../../src/consensus/pow.js';
import { bitcoin } from '../../src/params/index.js';
import { BlockHeader, fromHex, hexToHash } from '../../src/primitives/index.js';
import { vectorJson, vectors } from '../helpers/vectors.js';

const powLimit = bitcoin.powLimit;
const MAX_UINT256 = (1n << 256n) - 1n;
const entries: { height: number; bits: string; chainwork: string; block_proof: string }[] = vectors.chainwork.entries;

function header(hex: string): BlockHeader {
  return BlockHeader.decode(fromHex(hex));
}

describe('block proof and chainwork', () => {
  test('genesis proof is 0x100010001', () => {
    assert.equal(blockProof(0x1d00ffff), 0x100010001n);
    assert.equal(BigInt(entries[0].chainwork), 0x100010001n);
  });

  test('block proof of every published entry', () => {
    for (const e of entries) assert.equal(blockProof(Number(e.bits)), BigInt(e.block_proof), `height ${e.height}`);
  });

  test('consecutive published entries differ by the later block proof', () => {
    let pairs = 0;
    for (let i = 1; i < entries.length; i++) {
      const [a, b] = [entries[i - 1], entries[i]];
      if (b.height !== a.height + 1) continue;
      assert.equal(BigInt(b.chainwork) - BigInt(a.chainwork), blockProof(Number(b.bits)), `height ${b.height}`);
      pairs++;
    }
    assert.ok(pairs >= 6);
  });

  test('unusable bits prove nothing', () => {
    for (const bits of [0, 0x1d80ffff, 0xff7fffff, 0x01003456]) assert.equal(blockProof(bits), 0n);
  });

  test('chainwork recomputed from genesis through every real retarget matches Core at each boundary', () => {
    // Every block of a period carries the bits of its first block, so boundary headers suffice.
    const boundaries = vectorJson('retarget_boundaries.json');
    const byHeight = new Map<number, { bits: number; chainwork: bigint }>();
    for (const h of boundaries.headers) byHeight.set(h.height, { bits: header(h.header_hex).bits, chainwork: BigInt(h.chainwork) });
    let work = blockProof(byHeight.get(0)!.bits);
    assert.equal(work, byHeight.get(0)!.chainwork);
    for (let start = 0; byHeight.has(start + 2015); start += 2016) {
      const bits = byHeight.get(start)!.bits;
      const last = start + 2015;
      work += 2015n * blockProof(bits);
      assert.equal(work, byHeight.get(last)!.chainwork, `height ${last}`);
      const next = byHeight.get(last + 1);
      if (!next) break;
      work += blockProof(next.bits);
      assert.equal(work, next.chainwork, `height ${last + 1}`);
    }
    assert.equal(work, BigInt(entries.find((e) => e.height === 832608)!.chainwork));
  });
});

describe('checkProofOfWork', () => {
  const realHeaders = ['genesis', 'block1', 'block2', 'block100000', 'block2015', 'block2016', 'block32256'].map((k) => ({
    name: k,
    header: header(vectors.blocks[k].header_hex),
  }));

  test('real headers meet their own bits', () => {
    for (const { name, header: h } of realHeaders) {
      assert.equal(h.hash(), vectors.blocks[name].hash);
      assert.equal(checkProofOfWork(h.hashBytes(), h.bits, powLimit), undefined, name);
    }
  });

  test('a real header fails against bits one step below its hash and passes one step above', () => {
    // The tightest compact target under the hash is the hash truncated to three bytes.
    for (const { name, header: h } of realHeaders) {
      const value = hashToBigInt(h.hashBytes());
      const below = targetToCompact(value) - 1; // mantissa one less, same exponent
      const above = targetToCompact(value) + 1;
      assert.ok(compactToTarget(below) < value && compactToTarget(above) > value);
      assert.equal(checkProofOfWork(h.hashBytes(), below, MAX_UINT256), 'high-hash', name);
      assert.equal(checkProofOfWork(h.hashBytes(), above, MAX_UINT256), undefined, name);
    }
  });

  test('a real header fails with one bit harder bits than it can meet', () => {
    const h = header(vectors.blocks.block100000.header_hex);
    let target = compactToTarget(h.bits);
    while (target >= hashToBigInt(h.hashBytes())) target >>= 1n;
    assert.equal(checkProofOfWork(h.hashBytes(), targetToCompact(target), powLimit), 'high-hash');
    assert.equal(checkProofOfWork(h.hashBytes(), targetToCompact(target << 1n), powLimit), undefined);
  });

  test("Core's pow_tests CheckProofOfWork cases", () => {
    const cases = vectors.retarget.check_proof_of_work_cases;
    const hash = (s: string) => hexToHash(s.padStart(64, '0'));
    assert.equal(checkProofOfWork(hash(cases.negative_target.hash), Number(cases.negative_target.nBits), powLimit), 'bad-bits');
    assert.equal(checkProofOfWork(hash(cases.overflow_target.hash), Number(cases.overflow_target.nBits), powLimit), 'bad-bits');
    assert.equal(checkProofOfWork(hash(cases.too_easy_target.hash), Number(cases.too_easy_target.nBits), powLimit), 'bad-bits');
    assert.equal(checkProofOfWork(hash(cases.zero_target.hash), Number(cases.zero_target.nBits), powLimit), 'bad-bits');
    const big = cases.bigger_hash_than_target;
    assert.equal(checkProofOfWork(hash(big.hash), Number(big.nBits), powLimit), 'high-hash');
  });
});
