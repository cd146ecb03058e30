import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockHeader } from '../../src/primitives/header.js';
import { blockIndexKey, decodeBlockIndex, encodeBlockIndex } from '../../src/store/layout.js';

test('the block index loads without re-hashing headers: the hash comes from the key it was stored under', () => {
  const header = new BlockHeader({ version: 4, prevHash: new Uint8Array(32).fill(1), merkleRoot: new Uint8Array(32).fill(2), time: 1_700_000_000, bits: 0x207fffff, nonce: 7 });
  const record = { hash: header.hashBytes(), header, height: 5, chainwork: 12n, status: 1, txCount: 1 };
  const value = encodeBlockIndex(record);
  assert.equal(decodeBlockIndex(blockIndexKey(record.hash), value).header.hash(), header.hash(), 'a real entry reads back with its hash');
  // Stored under another key, the header reports that key: proof the loader takes the stored hash and does not hash the 80 bytes.
  const other = new Uint8Array(32).fill(9);
  const decoded = decodeBlockIndex(blockIndexKey(other), value);
  assert.deepEqual(decoded.header.hashBytes(), other);
  assert.notEqual(decoded.header.hash(), header.hash());
});
