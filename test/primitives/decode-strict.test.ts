import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Block,
  BlockHeader,
  ByteReader,
  DecodeError,
  Transaction,
  computeMerkleRoot,
  concatBytes,
  fromHex,
  hexToHash,
  merkleRoot,
  toHex,
} from '../../src/primitives/index.js';
import { vectors } from '../helpers/vectors.js';

const signedTxHex: string = vectors.segwit.bip143_native_p2wpkh.signed_tx_hex;
const legacyTxHex: string = vectors.blocks.genesis.coinbase_tx_hex;

function assertDecodeError(fn: () => unknown, code: DecodeError['code']): void {
  assert.throws(fn, (err: unknown) => err instanceof DecodeError && err.code === code);
}

describe('decoders are strict', () => {
  test('every truncation of a segwit tx, a legacy tx, a header and a block is refused as truncated', () => {
    for (const hex of [signedTxHex, legacyTxHex]) {
      const bytes = fromHex(hex);
      for (let n = 0; n < bytes.length; n++) {
        assert.throws(() => Transaction.decode(bytes.subarray(0, n)), DecodeError, `length ${n}`);
      }
    }
    const header = fromHex(vectors.blocks.block1.header_hex);
    for (let n = 0; n < 80; n++) assertDecodeError(() => BlockHeader.decode(header.subarray(0, n)), 'truncated');
    const block = fromHex(vectors.blocks.block100000.raw_block_hex);
    for (let n = 0; n < block.length; n += 7) assert.throws(() => Block.decode(block.subarray(0, n)), DecodeError);
  });

  test('trailing bytes after a tx, header or block are refused', () => {
    const extra = Uint8Array.of(0);
    assertDecodeError(() => Transaction.decode(concatBytes(fromHex(signedTxHex), extra)), 'trailing-bytes');
    assertDecodeError(() => BlockHeader.decode(concatBytes(fromHex(vectors.blocks.block1.header_hex), extra)), 'trailing-bytes');
    assertDecodeError(() => Block.decode(concatBytes(fromHex(vectors.blocks.genesis.raw_block_hex), extra)), 'trailing-bytes');
  });

  test('non-canonical compact sizes are refused', () => {
    assertDecodeError(() => new ByteReader(Uint8Array.of(0xfd, 0xfc, 0x00)).compactSize(), 'non-canonical-compactsize');
    assertDecodeError(() => new ByteReader(Uint8Array.of(0xfe, 0xff, 0xff, 0x00, 0x00)).compactSize(), 'non-canonical-compactsize');
    assertDecodeError(
      () => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0)).compactSize(),
      'non-canonical-compactsize',
    );
    assert.equal(new ByteReader(Uint8Array.of(0xfd, 0xfd, 0x00)).compactSize(), 0xfd);
    // A legacy tx whose input count 1 is written as 0xfd 0x01 0x00.
    const legacy = fromHex(legacyTxHex);
    const padded = concatBytes(legacy.subarray(0, 4), Uint8Array.of(0xfd, 0x01, 0x00), legacy.subarray(5));
    assertDecodeError(() => Transaction.decode(padded), 'non-canonical-compactsize');
  });

  test('a 48-bit integer reads little-endian and exact, and a short one is truncated', () => {
    const reader = new ByteReader(Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    assert.equal(reader.u48(), 0x060504030201);
    assert.equal(reader.u48(), 2 ** 48 - 1);
    assertDecodeError(() => reader.u48(), 'truncated');
  });

  test('absurd counts and lengths are refused before allocating', () => {
    const version = Uint8Array.of(1, 0, 0, 0);
    // 4 billion inputs claimed in a 20-byte message.
    const hugeInputs = concatBytes(version, Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff), new Uint8Array(11));
    assertDecodeError(() => Transaction.decode(hugeInputs), 'oversized-count');
    // A 2^64-1 count.
    const hugest = concatBytes(version, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    assertDecodeError(() => Transaction.decode(hugest), 'oversized-count');
    // A 65,000-byte scriptSig claimed with 10 bytes left.
    const script = concatBytes(version, Uint8Array.of(1), new Uint8Array(36), Uint8Array.of(0xfd, 0xe8, 0xfd), new Uint8Array(10));
    assertDecodeError(() => Transaction.decode(script), 'oversized-length');
    // A block claiming a million transactions.
    const header = fromHex(vectors.blocks.block1.header_hex);
    assertDecodeError(() => Block.decode(concatBytes(header, Uint8Array.of(0xfe, 0x40, 0x42, 0x0f, 0x00))), 'oversized-count');
  });

  test('segwit flag with all-empty witnesses, and unknown flags, are refused as Core does', () => {
    const legacy = fromHex(legacyTxHex);
    const body = legacy.subarray(4, legacy.length - 4);
    const withFlag = (flag: number, witness: Uint8Array) =>
      concatBytes(legacy.subarray(0, 4), Uint8Array.of(0, flag), body, witness, legacy.subarray(legacy.length - 4));
    assertDecodeError(() => Transaction.decode(withFlag(1, Uint8Array.of(0))), 'superfluous-witness');
    assertDecodeError(() => Transaction.decode(withFlag(2, new Uint8Array(0))), 'unknown-tx-flags');
    const ok = Transaction.decode(withFlag(1, Uint8Array.of(1, 1, 0xaa)));
    assert.equal(ok.txid(), vectors.blocks.genesis.coinbase_txid);
    assert.notEqual(ok.wtxid(), ok.txid());
  });

  test('decoded fields own their bytes, even when decoded from a view into a larger Buffer', () => {
    const file = Buffer.concat([Buffer.alloc(1000), Buffer.from(fromHex(vectors.blocks.block1.header_hex)), Buffer.alloc(1000)]);
    const header = BlockHeader.decode(file.subarray(1000, 1080));
    assert.equal(header.prevHash.buffer.byteLength, 32, 'not a view pinning the 2 KB buffer');
    assert.equal(header.hash(), vectors.blocks.block1.hash);
  });

  test('hex input is validated', () => {
    assertDecodeError(() => fromHex('abc'), 'bad-hex');
    assertDecodeError(() => fromHex('zz'), 'bad-hex');
    assertDecodeError(() => hexToHash('00'), 'bad-hex');
  });
});

describe('merkle root', () => {
  test('single leaf is the root; odd levels duplicate the last hash', () => {
    const txids = vectors.blocks.block100000.txids as string[];
    assert.equal(merkleRoot(txids.slice(0, 1)), txids[0]);
    assert.equal(merkleRoot(txids), vectors.blocks.block100000.merkle_root);
    // Three leaves [a, b, c] hash like [a, b, c, c], and that is not a mutation.
    const three = txids.slice(0, 3).map(hexToHash);
    const four = [...three, three[2]];
    const a = computeMerkleRoot(three);
    const b = computeMerkleRoot(four);
    assert.equal(toHex(a.root), toHex(b.root));
    assert.equal(a.mutated, false);
    assert.equal(b.mutated, true, 'an explicitly duplicated trailing pair is the CVE-2012-2459 mutation');
  });

  test('no leaves gives a zero root', () => {
    assert.equal(toHex(computeMerkleRoot([]).root), '00'.repeat(32));
  });
});
