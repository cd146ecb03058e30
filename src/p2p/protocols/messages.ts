/**
 * The binary bodies of the request/response protocols, in Bitcoin's style: little-endian
 * integers, compact-size counts, hashes in internal byte order. Every decoder reads the whole
 * message and throws DecodeError on anything malformed (which costs the sender ban score).
 */
import { hashToHex, hexToHash, isZeroHash, ZERO_HASH } from '../../primitives/bytes.js';
import { DecodeError } from '../../primitives/errors.js';
import { BlockHeader, HEADER_SIZE } from '../../primitives/header.js';
import { ByteReader } from '../../primitives/reader.js';
import { ByteWriter } from '../../primitives/writer.js';
import { MAX_BLOCKS_PER_REQUEST, MAX_HEADERS, MAX_TXS_PER_PUSH } from '../topics.js';

/** A locator is dense for 10 blocks then doubles back: ~ 10 + log2(height) hashes; Core allows 101. */
export const MAX_LOCATOR_HASHES = 101;

/** What each side says about its chain when a connection opens. */
export interface StatusMessage {
  genesisHash: string;
  tipHash: string;
  height: number;
  chainwork: bigint;
}

export interface HeadersRequest {
  /** Display-order hashes, newest first, ending at genesis. */
  locator: string[];
  /** Stop after this hash (undefined: send up to MAX_HEADERS). */
  stop?: string;
}

const STATUS_SIZE = 32 + 32 + 4 + 32;

export function encodeStatus(status: StatusMessage): Uint8Array {
  const writer = new ByteWriter(STATUS_SIZE);
  writer.bytes(hexToHash(status.genesisHash)).bytes(hexToHash(status.tipHash)).u32(status.height);
  writer.bytes(bigintToBytes32(status.chainwork));
  return writer.finish();
}

export function decodeStatus(bytes: Uint8Array): StatusMessage {
  const reader = new ByteReader(bytes);
  const genesisHash = hashToHex(reader.bytesCopy(32, 'status genesis'));
  const tipHash = hashToHex(reader.bytesCopy(32, 'status tip'));
  const height = reader.u32('status height');
  const chainwork = bytes32ToBigint(reader.bytesView(32, 'status chainwork'));
  reader.end('status message');
  return { genesisHash, tipHash, height, chainwork };
}

export function encodeHeadersRequest(request: HeadersRequest): Uint8Array {
  const writer = new ByteWriter(1 + 32 * (request.locator.length + 1));
  writer.compactSize(request.locator.length);
  for (const hash of request.locator) writer.bytes(hexToHash(hash));
  writer.bytes(request.stop ? hexToHash(request.stop) : ZERO_HASH);
  return writer.finish();
}

export function decodeHeadersRequest(bytes: Uint8Array): HeadersRequest {
  const reader = new ByteReader(bytes);
  const locator = readHashes(reader, MAX_LOCATOR_HASHES, 'locator');
  const stop = reader.bytesCopy(32, 'stop hash');
  reader.end('headers request');
  return { locator, stop: isZeroHash(stop) ? undefined : hashToHex(stop) };
}

export function encodeHeaders(headers: readonly BlockHeader[]): Uint8Array {
  const writer = new ByteWriter(3 + HEADER_SIZE * headers.length);
  writer.compactSize(headers.length);
  for (const header of headers) header.write(writer);
  return writer.finish();
}

export function decodeHeaders(bytes: Uint8Array): BlockHeader[] {
  const reader = new ByteReader(bytes);
  const count = reader.count(HEADER_SIZE, 'header count');
  if (count > MAX_HEADERS) throw new DecodeError('oversized-count', `${count} headers, at most ${MAX_HEADERS}`);
  const headers = Array.from({ length: count }, () => BlockHeader.read(reader));
  reader.end('headers reply');
  return headers;
}

export function encodeBlocksRequest(hashes: readonly string[]): Uint8Array {
  const writer = new ByteWriter(1 + 32 * hashes.length);
  writer.compactSize(hashes.length);
  for (const hash of hashes) writer.bytes(hexToHash(hash));
  return writer.finish();
}

export function decodeBlocksRequest(bytes: Uint8Array): string[] {
  const reader = new ByteReader(bytes);
  const hashes = readHashes(reader, MAX_BLOCKS_PER_REQUEST, 'block hashes');
  reader.end('blocks request');
  return hashes;
}

/** Blocks travel as raw serializations, each length-prefixed, so a bad one is found by its own decode. */
export function encodeBlocks(blocks: readonly Uint8Array[]): Uint8Array {
  const writer = new ByteWriter(9 + blocks.reduce((sum, block) => sum + block.length + 5, 0));
  writer.compactSize(blocks.length);
  for (const block of blocks) writer.varBytes(block);
  return writer.finish();
}

export function decodeBlocks(bytes: Uint8Array): Uint8Array[] {
  const reader = new ByteReader(bytes);
  const count = reader.count(1, 'block count');
  if (count > MAX_BLOCKS_PER_REQUEST) throw new DecodeError('oversized-count', `${count} blocks, at most ${MAX_BLOCKS_PER_REQUEST}`);
  const blocks = Array.from({ length: count }, () => reader.varBytes('block'));
  reader.end('blocks reply');
  return blocks;
}

/** A txs/1 push: raw transactions, each length-prefixed, as blocks/1 carries blocks. */
export function encodeTxs(txs: readonly Uint8Array[]): Uint8Array {
  return encodeBlocks(txs);
}

export function decodeTxs(bytes: Uint8Array): Uint8Array[] {
  const reader = new ByteReader(bytes);
  const count = reader.count(1, 'tx count');
  if (count > MAX_TXS_PER_PUSH) throw new DecodeError('oversized-count', `${count} txs, at most ${MAX_TXS_PER_PUSH}`);
  const txs = Array.from({ length: count }, () => reader.varBytes('tx'));
  reader.end('txs push');
  return txs;
}

function readHashes(reader: ByteReader, max: number, what: string): string[] {
  const count = reader.count(32, `${what} count`);
  if (count > max) throw new DecodeError('oversized-count', `${count} ${what}, at most ${max}`);
  return Array.from({ length: count }, () => hashToHex(reader.bytesCopy(32, what)));
}

/** Chainwork is below 2^256 by construction; little-endian like every other number here. */
function bigintToBytes32(value: bigint): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32 && value > 0n; i++, value >>= 8n) bytes[i] = Number(value & 0xffn);
  return bytes;
}

function bytes32ToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}
