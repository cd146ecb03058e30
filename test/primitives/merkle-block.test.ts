/**
 * BIP37 merkle blocks (Core's CPartialMerkleTree) over the real mainnet block 830000 (1,851
 * transactions): every proof hashes to the header's merkle root and yields exactly the chosen
 * txids, and a changed hash, bit or byte is refused or proves another root.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Block, hashToHex, toHex } from '../../src/primitives/index.js';
import { MerkleBlockError, buildPartialTree, decodeMerkleBlock, encodeMerkleBlock, extractMatches } from '../../src/primitives/merkle-block.js';
import { vectorFile } from '../helpers/vectors.js';

const block = Block.decode(vectorFile('block_mainnet_830000.bin'));
const ids = block.txs.map((tx) => tx.txidBytes());

function proofFor(indices: readonly number[]): Uint8Array {
  const chosen = new Set(indices);
  return encodeMerkleBlock({ header: block.header, tree: buildPartialTree(ids, ids.map((_, i) => chosen.has(i))) });
}

describe('BIP37 merkle blocks over mainnet block 830000', () => {
  test('proofs of one, several and all txs hash to the header’s merkle root and name exactly those txs', () => {
    for (const indices of [[0], [1850], [7], [3, 4, 1000, 1849], [...ids.keys()], [1, 2, 3, 4, 5, 6, 7, 8]]) {
      const decoded = decodeMerkleBlock(proofFor(indices));
      assert.equal(decoded.header.hash(), block.header.hash());
      const { root, matches } = extractMatches(decoded.tree);
      assert.equal(toHex(root), toHex(block.header.merkleRoot));
      assert.deepEqual(matches.map((m) => m.index), indices);
      assert.deepEqual(matches.map((m) => hashToHex(m.txid)), indices.map((i) => block.txs[i].txid()));
    }
  });

  test('a proof of one tx holds one hash per level plus the tx: 12 levels for 1,851 txs', () => {
    const tree = decodeMerkleBlock(proofFor([500])).tree;
    assert.equal(tree.count, 1851);
    assert.equal(tree.hashes.length, 12);
  });

  test('a changed hash proves another root; a cut, padded or duplicated proof is refused', () => {
    const proof = proofFor([10, 20]);
    const changed = decodeMerkleBlock(proof);
    changed.tree.hashes[0] = new Uint8Array(32).fill(7);
    assert.notEqual(toHex(extractMatches(changed.tree).root), toHex(block.header.merkleRoot));
    assert.throws(() => decodeMerkleBlock(proof.subarray(0, proof.length - 1)));
    assert.throws(() => decodeMerkleBlock(Uint8Array.from([...proof, 0])));
    const extraHash = decodeMerkleBlock(proof);
    extraHash.tree.hashes.push(new Uint8Array(32));
    assert.throws(() => extractMatches(extraHash.tree), MerkleBlockError);
    const noBits = decodeMerkleBlock(proof);
    noBits.tree.bits = noBits.tree.bits.slice(0, 3);
    assert.throws(() => extractMatches(noBits.tree), MerkleBlockError);
  });

  test('CVE-2012-2459: a tree whose two branches are the same hash is refused', () => {
    // Two txs with the same id: the root is computable, but a proof of both would reuse one hash.
    const same = new Uint8Array(32).fill(1);
    const tree = buildPartialTree([same, same], [true, true]);
    assert.throws(() => extractMatches(tree), /CVE-2012-2459/);
  });
});
