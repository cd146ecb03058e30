import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Block, BlockHeader, Transaction, fromHex, hashToHex, toHex } from '../../src/primitives/index.js';
import { vectorFile, vectors } from '../helpers/vectors.js';

function assertWitnessCommitment(block: Block, expectedHex: string): void {
  const committed = block.witnessCommitment();
  assert.ok(committed, 'coinbase carries a commitment');
  assert.equal(toHex(committed), expectedHex);
  const reserved = block.txs[0].inputs[0].witness[0];
  assert.equal(toHex(block.expectedWitnessCommitment(reserved)), expectedHex);
}

describe('real Bitcoin blocks decode and re-encode byte-identical', () => {
  test('genesis', () => {
    const v = vectors.blocks.genesis;
    const raw = fromHex(v.raw_block_hex);
    const block = Block.decode(raw);
    assert.equal(toHex(block.encode()), v.raw_block_hex);
    assert.equal(block.hash(), v.hash);
    assert.equal(block.txs[0].txid(), v.coinbase_txid);
    assert.equal(block.header.merkleRootHex(), v.merkle_root);
    assert.equal(hashToHex(block.computeMerkleRoot().root), v.merkle_root);
    assert.deepEqual(
      { version: block.header.version, time: block.header.time, bits: block.header.bits, nonce: block.header.nonce },
      { version: v.fields.version, time: v.fields.time, bits: v.fields.bits, nonce: v.fields.nonce },
    );
  });

  test('headers of blocks 1, 2, 2015, 2016, 30240, 32255, 32256 have their published hashes and fields', () => {
    for (const name of ['block1', 'block2', 'block2015', 'block2016', 'block30240', 'block32255', 'block32256']) {
      const v = vectors.blocks[name];
      const header = BlockHeader.decode(fromHex(v.header_hex));
      assert.equal(header.hash(), v.hash, name);
      assert.equal(header.prevHashHex(), v.fields.prevHash, name);
      assert.equal(header.merkleRootHex(), v.fields.merkleRoot, name);
      assert.equal(header.bits, v.fields.bits, name);
      assert.equal(toHex(header.encode()), v.header_hex, name);
    }
  });

  test('block 100000: four txids and the merkle root', () => {
    const v = vectors.blocks.block100000;
    const block = Block.decode(fromHex(v.raw_block_hex));
    assert.equal(block.hash(), v.hash);
    assert.deepEqual(block.txs.map((tx) => tx.txid()), v.txids);
    assert.equal(hashToHex(block.computeMerkleRoot().root), v.merkle_root);
    assert.equal(block.size(), v.raw_block_size);
    assert.equal(toHex(block.encode()), v.raw_block_hex);
  });

  for (const name of ['mainnet_block_542213', 'mainnet_block_482683']) {
    test(`segwit ${name}: every txid, wtxid, size and weight; merkle root; witness commitment`, () => {
      const v = vectors.segwit[name];
      const block = Block.decode(fromHex(v.raw_block_hex));
      assert.equal(toHex(block.encode()), v.raw_block_hex);
      assert.equal(block.hash(), v.hash);
      assert.equal(block.txs.length, v.transactions.length);
      block.txs.forEach((tx, i) => {
        const t = v.transactions[i];
        assert.equal(tx.txid(), t.txid, `txid ${i}`);
        assert.equal(tx.wtxid(), t.wtxid, `wtxid ${i}`);
        assert.equal(tx.hasWitness(), t.segwit, `segwit ${i}`);
        assert.equal(tx.size(), t.size, `size ${i}`);
        assert.equal(tx.weight(), t.weight, `weight ${i}`);
        if (t.strippedSize !== undefined) assert.equal(tx.strippedSize(), t.strippedSize, `stripped ${i}`);
        if (t.hex !== undefined) assert.equal(toHex(tx.encode()), t.hex, `hex ${i}`);
      });
      assert.equal(block.header.merkleRootHex(), v.header_fields.merkleRoot);
      const merkle = block.computeMerkleRoot();
      assert.equal(hashToHex(merkle.root), v.header_fields.merkleRoot);
      assert.equal(merkle.mutated, false);
      assert.equal(toHex(block.computeWitnessMerkleRoot().root), v.witness_commitment.witnessMerkleRootInternal);
      assertWitnessCommitment(block, v.witness_commitment.commitmentInCoinbase);
      if (v.weight !== undefined) {
        assert.equal(block.weight(), v.weight);
        assert.equal(block.size(), v.size);
        assert.equal(block.strippedSize(), v.strippedSize);
      }
    });
  }

  test('block 830000 (1,851 transactions): bytes, hash, merkle root, witness commitment, named txs', () => {
    const v = vectors.segwit.mainnet_block_830000;
    const raw = vectorFile(v.file);
    const block = Block.decode(raw);
    assert.equal(block.txs.length, v.tx_count);
    assert.equal(block.size(), v.size);
    assert.ok(Buffer.from(block.encode()).equals(Buffer.from(raw)));
    assert.equal(block.hash(), v.hash);
    const merkle = block.computeMerkleRoot();
    assert.equal(hashToHex(merkle.root), block.header.merkleRootHex());
    assert.equal(merkle.mutated, false);
    assertWitnessCommitment(block, v.witness_commitment.commitmentInCoinbase);
    for (const key of ['coinbase', 'first_segwit_tx', 'a_native_p2wpkh_spend']) {
      const t = v[key];
      const tx = block.txs[t.index];
      assert.equal(tx.txid(), t.txid, key);
      assert.equal(tx.wtxid(), t.wtxid, key);
      assert.equal(tx.size(), t.size, key);
      assert.equal(tx.weight(), t.weight, key);
      assert.equal(toHex(tx.encode()), t.hex, key);
      assert.equal(Transaction.decode(fromHex(t.hex)).wtxid(), t.wtxid, key);
    }
    assert.ok(block.weight() <= 4_000_000);
  });

  test('block 830000 re-encodes byte-identical from its txs\' kept serializations; stripped ones stay without witness', () => {
    const raw = vectorFile(vectors.segwit.mainnet_block_830000.file);
    const block = Block.decode(raw);
    // Every wtxid serializes its tx once, and each tx keeps those bytes (primitives/transaction.ts).
    for (const tx of block.txs) tx.wtxid();
    assert.ok(Buffer.from(block.encode()).equals(Buffer.from(raw)));
    assert.ok(Buffer.from(block.encode()).equals(Buffer.from(raw)), 'a second encode, from the kept bytes too');
    let withWitness = 0;
    for (const tx of block.txs) {
      const stripped = tx.encode(false);
      assert.equal(stripped.length, tx.strippedSize(), tx.txid());
      const back = Transaction.decode(stripped);
      assert.equal(back.txid(), tx.txid());
      assert.equal(back.hasWitness(), false);
      if (tx.hasWitness()) withWitness++;
    }
    assert.ok(withWitness > 1_000, 'most of the block carries witnesses');
  });
});
