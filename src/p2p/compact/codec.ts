/**
 * The compact block (BIP152's HeaderAndShortIDs) and the missing-tx request and reply
 * (getblocktxn / blocktxn), in Bitcoin's wire style: the 80-byte header, an 8-byte nonce, 6-byte
 * short ids, prefilled txs with differentially encoded indexes, compact-size counts. Decoders
 * read the whole message and throw DecodeError on anything malformed.
 */
import { randomBytes } from 'node:crypto';
import { hashToHex, hexToHash } from '../../primitives/bytes.js';
import { DecodeError } from '../../primitives/errors.js';
import type { Block } from '../../primitives/block.js';
import { BlockHeader, HEADER_SIZE } from '../../primitives/header.js';
import { ByteReader } from '../../primitives/reader.js';
import { Transaction } from '../../primitives/transaction.js';
import { ByteWriter } from '../../primitives/writer.js';
import type { SipKey } from '../../primitives/siphash.js';
import { shortIdKey, shortIds } from './short-id.js';

export const SHORT_ID_BYTES = 6;
export const NONCE_BYTES = 8;
/** Core: MAX_BLOCK_WEIGHT / MIN_SERIALIZABLE_TRANSACTION_WEIGHT; no block holds more txs. */
export const MAX_BLOCK_TXS = 100_000;
/** The smallest serialized tx (see primitives/block.ts). */
const MIN_TX_BYTES = 10;

export interface PrefilledTx {
  /** Absolute position in the block. */
  index: number;
  tx: Transaction;
}

export interface CompactBlock {
  header: BlockHeader;
  /** 8 bytes, chosen by the sender, salting the short ids. */
  nonce: Uint8Array;
  /** 48-bit short ids (as numbers) of the txs not prefilled, in block order. */
  shortIds: number[];
  /** In increasing index order. */
  prefilled: PrefilledTx[];
}

/** The SipHash key of a compact block's short ids. */
export function compactKey(compact: Pick<CompactBlock, 'header' | 'nonce'>): SipKey {
  return shortIdKey(compact.header.encode(), compact.nonce);
}

/** Txs the block has in all (short ids plus prefilled). */
export function blockTxCount(compact: CompactBlock): number {
  return compact.shortIds.length + compact.prefilled.length;
}

/**
 * The compact form of `block`: the coinbase always prefilled, and any other tx for which
 * `prefill` says peers likely lack it (one we never had in our own mempool, say).
 */
export function toCompact(block: Block, prefill: (tx: Transaction, index: number) => boolean = () => false, nonce: Uint8Array = new Uint8Array(randomBytes(NONCE_BYTES))): CompactBlock {
  const key = shortIdKey(block.header.encode(), nonce);
  const wtxids: Uint8Array[] = [];
  const prefilled: PrefilledTx[] = [];
  block.txs.forEach((tx, index) => {
    if (index === 0 || prefill(tx, index)) prefilled.push({ index, tx });
    else wtxids.push(tx.wtxidBytes());
  });
  return { header: block.header, nonce, shortIds: shortIds(key, wtxids), prefilled };
}

export function encodeCompact(compact: CompactBlock): Uint8Array {
  const writer = new ByteWriter(HEADER_SIZE + NONCE_BYTES + 10 + compact.shortIds.length * SHORT_ID_BYTES + compact.prefilled.reduce((n, p) => n + p.tx.size() + 3, 0));
  compact.header.write(writer);
  writer.bytes(compact.nonce);
  writer.compactSize(compact.shortIds.length);
  const id = new Uint8Array(SHORT_ID_BYTES);
  for (const sid of compact.shortIds) {
    const lo = sid % 0x1_0000_0000;
    const hi = (sid - lo) / 0x1_0000_0000;
    id[0] = lo & 0xff;
    id[1] = (lo >>> 8) & 0xff;
    id[2] = (lo >>> 16) & 0xff;
    id[3] = lo >>> 24;
    id[4] = hi & 0xff;
    id[5] = (hi >>> 8) & 0xff;
    writer.bytes(id);
  }
  writer.compactSize(compact.prefilled.length);
  let last = -1;
  for (const { index, tx } of compact.prefilled) {
    writer.compactSize(index - last - 1);
    last = index;
    tx.write(writer);
  }
  return writer.finish();
}

export function decodeCompact(bytes: Uint8Array): CompactBlock {
  const reader = new ByteReader(bytes);
  const header = BlockHeader.read(reader);
  const nonce = reader.bytesCopy(NONCE_BYTES, 'compact block nonce');
  const idCount = reader.count(SHORT_ID_BYTES, 'short id count');
  const shortIds: number[] = new Array(idCount);
  // Read in place: a view per id would be 2,000 objects for every compact block a node hears.
  for (let i = 0; i < idCount; i++) shortIds[i] = reader.u48('short id');
  const prefilledCount = reader.count(MIN_TX_BYTES + 1, 'prefilled tx count');
  if (idCount + prefilledCount > MAX_BLOCK_TXS) throw new DecodeError('oversized-count', `compact block names ${idCount + prefilledCount} txs`);
  if (idCount + prefilledCount === 0) throw new DecodeError('out-of-range', 'compact block names no tx');
  const prefilled: PrefilledTx[] = [];
  let last = -1;
  for (let i = 0; i < prefilledCount; i++) {
    const index = last + reader.compactSize('prefilled index') + 1;
    // Core: each prefilled tx must land on a slot the message accounts for.
    if (index > idCount + i) throw new DecodeError('out-of-range', `prefilled index ${index} beyond the block's ${idCount + prefilledCount} txs`);
    prefilled.push({ index, tx: Transaction.read(reader) });
    last = index;
  }
  reader.end('compact block');
  return { header, nonce, shortIds, prefilled };
}

/** getblocktxn: the block and the positions of the txs wanted. */
export interface BlockTxnRequest {
  hash: string;
  /** Increasing absolute positions. */
  indexes: number[];
}

export function encodeBlockTxnRequest(request: BlockTxnRequest): Uint8Array {
  const writer = new ByteWriter(32 + 5 + request.indexes.length * 3);
  writer.bytes(hexToHash(request.hash)).compactSize(request.indexes.length);
  let last = -1;
  for (const index of request.indexes) {
    writer.compactSize(index - last - 1);
    last = index;
  }
  return writer.finish();
}

export function decodeBlockTxnRequest(bytes: Uint8Array): BlockTxnRequest {
  const reader = new ByteReader(bytes);
  const hash = hashToHex(reader.bytesView(32, 'block hash'));
  const count = reader.count(1, 'index count');
  if (count > MAX_BLOCK_TXS) throw new DecodeError('oversized-count', `${count} indexes`);
  const indexes: number[] = new Array(count);
  let last = -1;
  for (let i = 0; i < count; i++) {
    last = last + reader.compactSize('index') + 1;
    if (last >= MAX_BLOCK_TXS) throw new DecodeError('out-of-range', `index ${last} beyond any block`);
    indexes[i] = last;
  }
  reader.end('blocktxn request');
  return { hash, indexes };
}

/** blocktxn: the txs asked for, in the order asked; none when the server lacks the block. */
export interface BlockTxn {
  hash: string;
  txs: Transaction[];
}

export function encodeBlockTxn(reply: BlockTxn): Uint8Array {
  const writer = new ByteWriter(32 + 5 + reply.txs.reduce((n, tx) => n + tx.size(), 0));
  writer.bytes(hexToHash(reply.hash)).compactSize(reply.txs.length);
  for (const tx of reply.txs) tx.write(writer);
  return writer.finish();
}

export function decodeBlockTxn(bytes: Uint8Array): BlockTxn {
  const reader = new ByteReader(bytes);
  const hash = hashToHex(reader.bytesView(32, 'block hash'));
  const count = reader.count(MIN_TX_BYTES, 'tx count');
  const txs: Transaction[] = new Array(count);
  for (let i = 0; i < count; i++) txs[i] = Transaction.read(reader);
  reader.end('blocktxn');
  return { hash, txs };
}
