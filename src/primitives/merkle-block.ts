/**
 * BIP37's merkle block (Core's CMerkleBlock and CPartialMerkleTree, merkleblock.cpp): a block
 * header and the part of the merkle tree that proves some transactions are in the block.
 * gettxoutproof writes it and verifytxoutproof reads it. Hashes are in internal byte order.
 */
import { bytesEqual, concatBytes } from './bytes.js';
import { sha256d } from './hash.js';
import { BlockHeader } from './header.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/** Core's bound: no block holds more transactions than the weight limit allows of the smallest tx (60 bytes). */
const MAX_TRANSACTIONS = Math.floor(4_000_000 / 240);

export class MerkleBlockError extends Error {
  override readonly name = 'MerkleBlockError';
}

function treeWidth(count: number, height: number): number {
  return (count + (1 << height) - 1) >> height;
}

function treeHeight(count: number): number {
  let height = 0;
  while (treeWidth(count, height) > 1) height++;
  return height;
}

/** A partial merkle tree: the number of transactions, the hashes kept and the traversal bits. */
export interface PartialMerkleTree {
  count: number;
  hashes: Uint8Array[];
  bits: boolean[];
}

/** Core's CPartialMerkleTree(vTxid, vMatch): the tree proving the txids whose `match` is true. */
export function buildPartialTree(txids: readonly Uint8Array[], match: readonly boolean[]): PartialMerkleTree {
  const count = txids.length;
  const hashes: Uint8Array[] = [];
  const bits: boolean[] = [];
  const calc = (height: number, pos: number): Uint8Array => {
    if (height === 0) return txids[pos];
    const left = calc(height - 1, pos * 2);
    const right = pos * 2 + 1 < treeWidth(count, height - 1) ? calc(height - 1, pos * 2 + 1) : left;
    return sha256d(concatBytes(left, right));
  };
  const build = (height: number, pos: number): void => {
    let parentOfMatch = false;
    for (let p = pos << height; p < (pos + 1) << height && p < count; p++) parentOfMatch ||= match[p];
    bits.push(parentOfMatch);
    if (height === 0 || !parentOfMatch) {
      hashes.push(calc(height, pos));
      return;
    }
    build(height - 1, pos * 2);
    if (pos * 2 + 1 < treeWidth(count, height - 1)) build(height - 1, pos * 2 + 1);
  };
  build(treeHeight(count), 0);
  return { count, hashes, bits };
}

/**
 * Core's ExtractMatches: the merkle root the tree proves and the matched txids with their
 * positions; throws MerkleBlockError for a malformed tree (unused bits or hashes, the
 * CVE-2012-2459 duplicate, too many of anything).
 */
export function extractMatches(tree: PartialMerkleTree): { root: Uint8Array; matches: Array<{ txid: Uint8Array; index: number }> } {
  const { count, hashes, bits } = tree;
  if (count === 0) throw new MerkleBlockError('no transactions');
  if (count > MAX_TRANSACTIONS) throw new MerkleBlockError('more transactions than a block can hold');
  if (hashes.length > count) throw new MerkleBlockError('more hashes than transactions');
  if (bits.length < hashes.length) throw new MerkleBlockError('fewer bits than hashes');
  let bitsUsed = 0;
  let hashesUsed = 0;
  const matches: Array<{ txid: Uint8Array; index: number }> = [];
  const extract = (height: number, pos: number): Uint8Array => {
    if (bitsUsed >= bits.length) throw new MerkleBlockError('overflowed the bits array');
    const parentOfMatch = bits[bitsUsed++];
    if (height === 0 || !parentOfMatch) {
      if (hashesUsed >= hashes.length) throw new MerkleBlockError('overflowed the hash array');
      const hash = hashes[hashesUsed++];
      if (height === 0 && parentOfMatch) matches.push({ txid: hash, index: pos });
      return hash;
    }
    const left = extract(height - 1, pos * 2);
    let right = left;
    if (pos * 2 + 1 < treeWidth(count, height - 1)) {
      right = extract(height - 1, pos * 2 + 1);
      if (bytesEqual(left, right)) throw new MerkleBlockError('identical left and right branches (CVE-2012-2459)');
    }
    return sha256d(concatBytes(left, right));
  };
  const root = extract(treeHeight(count), 0);
  if (Math.ceil(bitsUsed / 8) !== Math.ceil(bits.length / 8)) throw new MerkleBlockError('not all bits were consumed');
  if (hashesUsed !== hashes.length) throw new MerkleBlockError('not all hashes were consumed');
  return { root, matches };
}

export interface MerkleBlock {
  header: BlockHeader;
  tree: PartialMerkleTree;
}

/** Header, u32 count, the hashes (CompactSize + 32 bytes each), the bits packed LSB first (CompactSize + bytes). */
export function encodeMerkleBlock(block: MerkleBlock): Uint8Array {
  const writer = new ByteWriter();
  block.header.write(writer);
  writer.u32(block.tree.count);
  writer.compactSize(block.tree.hashes.length);
  for (const hash of block.tree.hashes) writer.bytes(hash);
  const packed = new Uint8Array(Math.ceil(block.tree.bits.length / 8));
  block.tree.bits.forEach((bit, i) => {
    if (bit) packed[i >> 3] |= 1 << (i & 7);
  });
  writer.varBytes(packed);
  return writer.finish();
}

/** Throws (the reader's error or MerkleBlockError) for bytes that are no merkle block. */
export function decodeMerkleBlock(bytes: Uint8Array): MerkleBlock {
  const reader = new ByteReader(bytes);
  const header = BlockHeader.read(reader);
  const count = reader.u32('transaction count');
  const hashCount = reader.count(32, 'hashes');
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < hashCount; i++) hashes.push(reader.bytesCopy(32, 'hash'));
  const packed = reader.varBytes('flag bytes');
  reader.end('merkle block');
  const bits: boolean[] = [];
  for (let i = 0; i < packed.length * 8; i++) bits.push(((packed[i >> 3] >> (i & 7)) & 1) === 1);
  return { header, tree: { count, hashes, bits } };
}
