/**
 * addr/1's binary bodies, in the style of messages.ts: a one-byte kind, then for `addr` a
 * compact-size count of records. A record is Core's addr entry for libp2p peers:
 *
 *   peer id (compact-size length + UTF-8, at most 96 bytes) | services (compact size) |
 *   last seen (u32, unix seconds) | multiaddr count (1..8) | each: compact-size length + binary multiaddr
 *
 * Decoding is strict: a peer id or multiaddr that does not parse, a multiaddr carrying its own
 * /p2p part, an empty address list, or trailing bytes all throw DecodeError.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { DecodeError } from '../../primitives/errors.js';
import { ByteReader } from '../../primitives/reader.js';
import { ByteWriter } from '../../primitives/writer.js';
import type { AddressRecord } from '../addrman/types.js';

/** Core's MAX_ADDR_TO_SEND: records in one message. */
export const MAX_ADDR_PER_MESSAGE = 1_000;
export const MAX_MULTIADDRS_PER_RECORD = 8;
const MAX_PEER_ID_BYTES = 96;
const MAX_MULTIADDR_BYTES = 128;
/** The largest record: every field at its limit. */
const MAX_RECORD_BYTES = 1 + MAX_PEER_ID_BYTES + 9 + 4 + 1 + MAX_MULTIADDRS_PER_RECORD * (1 + MAX_MULTIADDR_BYTES);
export const MAX_ADDR_MESSAGE_BYTES = 4 + MAX_ADDR_PER_MESSAGE * MAX_RECORD_BYTES;
/** Smallest possible record, for the count check before reading. */
const MIN_RECORD_BYTES = 1 + 1 + 1 + 4 + 1 + 1 + 1;

export type AddrMessage = { kind: 'getaddr' } | { kind: 'addr'; records: AddressRecord[] };

const KIND_GETADDR = 0;
const KIND_ADDR = 1;

export function encodeAddrMessage(message: AddrMessage): Uint8Array {
  const writer = new ByteWriter(64);
  if (message.kind === 'getaddr') return writer.u8(KIND_GETADDR).finish();
  writer.u8(KIND_ADDR);
  writeRecords(writer, message.records);
  return writer.finish();
}

export function decodeAddrMessage(bytes: Uint8Array): AddrMessage {
  const reader = new ByteReader(bytes);
  const kind = reader.u8('addr message kind');
  if (kind === KIND_GETADDR) {
    reader.end('getaddr');
    return { kind: 'getaddr' };
  }
  if (kind !== KIND_ADDR) throw new DecodeError('bad-address', `unknown addr message kind ${kind}`);
  const records = readRecords(reader);
  reader.end('addr message');
  return { kind: 'addr', records };
}

/** A getaddr reply: the records alone. */
export function encodeAddrList(records: readonly AddressRecord[]): Uint8Array {
  const writer = new ByteWriter(64);
  writeRecords(writer, records);
  return writer.finish();
}

export function decodeAddrList(bytes: Uint8Array): AddressRecord[] {
  const reader = new ByteReader(bytes);
  const records = readRecords(reader);
  reader.end('addr list');
  return records;
}

function writeRecords(writer: ByteWriter, records: readonly AddressRecord[]): void {
  if (records.length > MAX_ADDR_PER_MESSAGE) throw new RangeError(`${records.length} addresses, at most ${MAX_ADDR_PER_MESSAGE} per message`);
  writer.compactSize(records.length);
  for (const record of records) writeRecord(writer, record);
}

function writeRecord(writer: ByteWriter, record: AddressRecord): void {
  const addresses = record.multiaddrs.slice(0, MAX_MULTIADDRS_PER_RECORD).map((address) => multiaddr(address).bytes);
  writer.varBytes(new TextEncoder().encode(record.peerId));
  writer.compactSize(record.services);
  writer.u32(Math.max(0, Math.min(0xffffffff, Math.floor(record.lastSeen / 1000))));
  writer.compactSize(addresses.length);
  for (const address of addresses) writer.varBytes(address);
}

function readRecords(reader: ByteReader): AddressRecord[] {
  const count = reader.count(MIN_RECORD_BYTES, 'address count');
  if (count > MAX_ADDR_PER_MESSAGE) throw new DecodeError('oversized-count', `${count} addresses, at most ${MAX_ADDR_PER_MESSAGE}`);
  return Array.from({ length: count }, () => readRecord(reader));
}

function readRecord(reader: ByteReader): AddressRecord {
  const idBytes = reader.varBytes('peer id');
  if (idBytes.length > MAX_PEER_ID_BYTES) throw new DecodeError('oversized-length', `peer id of ${idBytes.length} bytes, at most ${MAX_PEER_ID_BYTES}`);
  const peerId = parsePeerId(idBytes);
  const services = reader.compactSize('services');
  const lastSeen = reader.u32('last seen') * 1000;
  const count = reader.count(2, 'multiaddr count');
  if (count === 0 || count > MAX_MULTIADDRS_PER_RECORD) throw new DecodeError('oversized-count', `${count} multiaddrs in a record, 1 to ${MAX_MULTIADDRS_PER_RECORD}`);
  const multiaddrs = Array.from({ length: count }, () => parseMultiaddr(reader.varBytes('multiaddr')));
  return { peerId, multiaddrs, services, lastSeen };
}

function parsePeerId(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Round-trip: only the canonical spelling of a peer id is accepted.
    if (peerIdFromString(text).toString() === text) return text;
  } catch {
    // fall through to the DecodeError
  }
  throw new DecodeError('bad-address', 'a peer id that does not parse');
}

function parseMultiaddr(bytes: Uint8Array): string {
  if (bytes.length > MAX_MULTIADDR_BYTES) throw new DecodeError('oversized-length', `multiaddr of ${bytes.length} bytes, at most ${MAX_MULTIADDR_BYTES}`);
  let text: string;
  try {
    const address = multiaddr(bytes);
    text = address.toString();
    // The peer id travels once, in its own field; bytes must be the canonical encoding.
    if (address.getComponents().some((c) => c.name === 'p2p') || multiaddr(text).bytes.length !== bytes.length) throw new Error('not canonical');
  } catch {
    throw new DecodeError('bad-address', 'a multiaddr that does not parse, or carries /p2p');
  }
  return text;
}
