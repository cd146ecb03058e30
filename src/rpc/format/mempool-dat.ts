/**
 * Core's mempool.dat (version 2, Core 28's default): u64 version, an 8-byte XOR key as a
 * vector, then XOR-obfuscated with that key by file position: u64 count, each tx (witness
 * form) with its entry time (i64 seconds) and fee delta (i64), the map of other fee deltas and
 * the unbroadcast txid set. savemempool writes it (fee deltas included), importmempool reads it (also version 1,
 * which has no key).
 */
import { randomBytes } from 'node:crypto';
import { hashToHex, hexToHash } from '../../primitives/bytes.js';
import { ByteReader } from '../../primitives/reader.js';
import { Transaction } from '../../primitives/transaction.js';
import { ByteWriter } from '../../primitives/writer.js';

const VERSION_NO_XOR = 1n;
const VERSION_XOR = 2n;
const HEADER_BYTES = 8 + 1 + 8;

export interface MempoolDatEntry {
  tx: Transaction;
  time: number;
  feeDelta: bigint;
}

function xorFrom(bytes: Uint8Array, key: Uint8Array, start: number): void {
  for (let i = start; i < bytes.length; i++) bytes[i] ^= key[i % 8];
}

/** Fee deltas (prioritisetransaction) of txs not in the file's transactions: Core's mapDeltas section. */
export type FeeDeltaList = ReadonlyArray<readonly [txid: string, delta: bigint]>;

export function encodeMempoolDat(entries: readonly MempoolDatEntry[], key: Uint8Array = randomBytes(8), otherDeltas: FeeDeltaList = []): Uint8Array {
  const writer = new ByteWriter();
  writer.u64(VERSION_XOR).compactSize(8).bytes(key);
  writer.u64(BigInt(entries.length));
  for (const entry of entries) {
    entry.tx.write(writer, true);
    writer.i64(BigInt(entry.time)).i64(entry.feeDelta);
  }
  // mapDeltas: deltas of txs not in the pool, keyed by txid (internal byte order), sorted as Core's std::map.
  const sorted = otherDeltas.map(([txid, delta]) => [hexToHash(txid), delta] as const).sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  writer.compactSize(sorted.length);
  for (const [hash, delta] of sorted) writer.bytes(hash).i64(delta);
  writer.compactSize(0); // unbroadcast txids
  const bytes = writer.finish();
  xorFrom(bytes, key, HEADER_BYTES);
  return bytes;
}

/** Throws for bytes that are no mempool.dat of version 1 or 2. */
export function decodeMempoolDat(input: Uint8Array): MempoolDatEntry[] {
  return readMempoolDat(input).entries;
}

/** The transactions and the fee deltas of txs not among them; throws for bytes that are no mempool.dat of version 1 or 2. */
export function readMempoolDat(input: Uint8Array): { entries: MempoolDatEntry[]; otherDeltas: Array<[txid: string, delta: bigint]> } {
  const bytes = Uint8Array.from(input);
  const head = new ByteReader(bytes);
  const version = head.u64('version');
  if (version === VERSION_XOR) {
    const key = head.varBytes('xor key');
    if (key.length !== 8) throw new Error('bad xor key');
    xorFrom(bytes, Uint8Array.from(key), HEADER_BYTES);
  } else if (version !== VERSION_NO_XOR) throw new Error(`unknown mempool.dat version ${version}`);
  const reader = new ByteReader(bytes);
  reader.bytesView(version === VERSION_XOR ? HEADER_BYTES : 8, 'header');
  const count = reader.u64('count');
  if (count > BigInt(bytes.length)) throw new Error('count larger than the file');
  const entries: MempoolDatEntry[] = [];
  for (let i = 0n; i < count; i++) {
    const tx = Transaction.read(reader);
    entries.push({ tx, time: Number(reader.i64('time')), feeDelta: reader.i64('fee delta') });
  }
  const otherDeltas: Array<[string, bigint]> = [];
  // A version-1 file written by an old node may end here.
  const deltaCount = reader.remaining > 0 ? reader.compactSize('fee delta count') : 0;
  if (deltaCount * 40 > reader.remaining) throw new Error('fee delta count larger than the file');
  for (let i = 0; i < deltaCount; i++) otherDeltas.push([hashToHex(reader.bytesCopy(32, 'txid')), reader.i64('fee delta')]);
  return { entries, otherDeltas };
}
