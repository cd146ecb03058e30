/**
 * The chain store's LevelDB layout: every key prefix and value format, in this one file.
 *
 * Keys start with one ASCII prefix byte. Hashes are 32 bytes in internal byte order (as
 * serialized, not the reversed display hex). Integers in keys are big-endian so that LevelDB's
 * bytewise order is numeric order; integers in values are little-endian, as in Bitcoin.
 *
 * | prefix | key                              | value                                                        |
 * |--------|----------------------------------|--------------------------------------------------------------|
 * | `m`    | `m`                              | meta: u32 schemaVersion, 32 genesis hash, varBytes utf8 network name |
 * | `t`    | `t`                              | tip: 32 hash of the main chain's tip (absent until the first block is connected) |
 * | `i`    | `i` hash(32)                     | block index: 80 header, u32 height, u32 status flags, u32 txCount (0 = unknown), 32 chainwork big-endian |
 * | `d`    | `d` hash(32)                     | where the block body is in the block files: u32 file, u32 offset, u32 length (block-files.ts); a store written before them holds the body itself, witness included |
 * | `u`    | `u` hash(32)                     | undo: compactSize n, then n coins (below) — the coins the block spent, in input order |
 * | `c`    | `c` txid(32) index(u32 BE)       | coin (below); one tx's outputs are adjacent and in index order |
 * | `h`    | `h` height(u32 BE)               | 32 hash of the main-chain block at that height               |
 * | `s`    | `s`                              | 32 hash: the UTXO set was loaded from a snapshot based at this block (loadtxoutset) |
 * | `S`    | `S`                              | 32 hash: a verified snapshot staged under `C` is being installed; open finishes it |
 * | `C`    | `C` txid(32) index(u32 BE)       | a snapshot's coin, staged (same value as `c`) until it is verified and installed |
 *
 * A coin value is `u32 code | u64 amount | varBytes script`, code = height * 2 + coinbase —
 * exactly Bitcoin Core's TxOutSer (gettxoutsetinfo's hash_serialized_3) without the leading
 * outpoint, so the UTXO-set hash streams stored bytes without re-encoding (see utxo-stats.ts).
 *
 * Status flags (BlockStatus below): 1 header-valid, 2 have-data, 4 have-undo, 8 validated
 * (connected at least once), 16 failed, 32 failed-child; other bits are refused as corrupt.
 * Besides LevelDB's own files, the directory holds `powcoin.lock` (see lock.ts).
 *
 * The optional transaction index (`--txindex`) is a second LevelDB in `<network>/indexes/txindex`,
 * as Core's, so it can be built, dropped or rebuilt without touching the chain store
 * (tx-index-store.ts reads and writes it):
 *
 * | prefix | key                              | value                                                        |
 * |--------|----------------------------------|--------------------------------------------------------------|
 * | `t`    | `t` txid(32)                     | 32 hash of the main-chain block holding the transaction       |
 * | `B`    | `B`                              | best block indexed: 32 hash, u32 height (absent before genesis is indexed) |
 *
 * Genesis transactions are not indexed (Core's neither: they are not spendable).
 *
 * The meta value starts with the schema version so that any later version can read it before
 * trying to understand the rest. Decoders are strict (exact length, no trailing bytes, known
 * flags only) and throw StoreError('corrupt') naming the key, never a raw RangeError.
 */
import {
  Block,
  BlockHeader,
  ByteReader,
  ByteWriter,
  type Coin,
  compactSizeLength,
  HEADER_SIZE,
  hashToHex,
  OutPoint,
  toHex,
} from '../primitives/index.js';
import { StoreError } from './errors.js';

/** Bump when any format below changes; open() refuses a data dir of another version. */
export const SCHEMA_VERSION = 1;

export const Prefix = {
  META: 0x6d, // 'm'
  TIP: 0x74, // 't'
  BLOCK_INDEX: 0x69, // 'i'
  BLOCK: 0x64, // 'd'
  UNDO: 0x75, // 'u'
  COIN: 0x63, // 'c'
  HEIGHT: 0x68, // 'h'
  SNAPSHOT_BASE: 0x73, // 's'
  SNAPSHOT_INSTALL: 0x53, // 'S'
  STAGED_COIN: 0x43, // 'C'
} as const;

/** Key prefixes of the transaction index's own LevelDB (see the table above). */
/** The basic block filter index's LevelDB (`<network>/indexes/blockfilter/basic`). */
export const BlockFilterPrefix = {
  /** 'f' + block hash (internal order) → filter header (32 bytes) || BIP158 filter. */
  FILTER: 0x66,
  /** 'B' → best block indexed: hash (32) || height (u32). */
  BEST: 0x42,
} as const;

export const TxIndexPrefix = {
  TX: 0x74, // 't'
  BEST: 0x42, // 'B'
} as const;

/** Block index status flags (bit set in the index entry's u32 status). */
export const BlockStatus = {
  /** Header passed context checks (pow, time, difficulty). */
  HEADER_VALID: 1 << 0,
  /** The body is stored under `d`. */
  HAVE_DATA: 1 << 1,
  /** Undo data is stored under `u` (the block was connected). */
  HAVE_UNDO: 1 << 2,
  /** Fully validated: connected to the main chain at least once. */
  VALIDATED: 1 << 3,
  /** The block itself broke a rule. */
  FAILED: 1 << 4,
  /** An ancestor broke a rule. */
  FAILED_CHILD: 1 << 5,
} as const;
const ALL_STATUS_BITS = 0x3f;

export interface StoreMeta {
  readonly schemaVersion: number;
  /** Internal byte order. */
  readonly genesisHash: Uint8Array;
  readonly network: string;
}

/** One block index entry; `hash` comes from the key, the rest from the value. */
export interface BlockIndexRecord {
  readonly hash: Uint8Array;
  readonly header: BlockHeader;
  readonly height: number;
  /** Sum of the proofs of this block and all its ancestors. */
  readonly chainwork: bigint;
  /** BlockStatus bits. */
  readonly status: number;
  /** Transactions in the block; 0 while only the header is known. */
  readonly txCount: number;
}

const HASH_SIZE = 32;
export const COIN_KEY_SIZE = 1 + HASH_SIZE + 4;
const BLOCK_INDEX_VALUE_SIZE = HEADER_SIZE + 4 + 4 + 4 + 32;
/** Core serializes amounts as int64; anything above is a broken record. */
const MAX_AMOUNT = (1n << 63n) - 1n;
const MAX_SAFE_AMOUNT = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_HEIGHT = 0x7fffffff;
const MIN_COIN_BYTES = 4 + 8 + 1;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// ---- keys ----

export const META_KEY = Uint8Array.of(Prefix.META);
export const TIP_KEY = Uint8Array.of(Prefix.TIP);
export const SNAPSHOT_BASE_KEY = Uint8Array.of(Prefix.SNAPSHOT_BASE);
export const SNAPSHOT_INSTALL_KEY = Uint8Array.of(Prefix.SNAPSHOT_INSTALL);

function hashKey(prefix: number, hash: Uint8Array): Uint8Array {
  if (hash.length !== HASH_SIZE) throw new RangeError(`a block hash is 32 bytes, got ${hash.length}`);
  const key = new Uint8Array(1 + HASH_SIZE);
  key[0] = prefix;
  key.set(hash, 1);
  return key;
}

export const blockIndexKey = (hash: Uint8Array): Uint8Array => hashKey(Prefix.BLOCK_INDEX, hash);
export const blockKey = (hash: Uint8Array): Uint8Array => hashKey(Prefix.BLOCK, hash);
export const undoKey = (hash: Uint8Array): Uint8Array => hashKey(Prefix.UNDO, hash);

export function coinKey(outpoint: OutPoint): Uint8Array {
  const key = new Uint8Array(COIN_KEY_SIZE);
  writeCoinKey(key, outpoint);
  return key;
}

/** coinKey written into the first COIN_KEY_SIZE bytes of `out`. */
export function writeCoinKey(out: Uint8Array, outpoint: OutPoint): void {
  out[0] = Prefix.COIN;
  out.set(checkedHash(outpoint.txid), 1);
  writeU32BE(out, 1 + HASH_SIZE, checkedU32(outpoint.index, 'outpoint index'));
}

/** A staged snapshot coin's key: the coin key under the staging prefix. */
export function stagedCoinKey(outpoint: OutPoint): Uint8Array {
  const key = coinKey(outpoint);
  key[0] = Prefix.STAGED_COIN;
  return key;
}

/** The live coin key for a staged one (installing a verified snapshot). */
export function coinKeyFromStaged(staged: Uint8Array): Uint8Array {
  if (staged.length !== COIN_KEY_SIZE || staged[0] !== Prefix.STAGED_COIN) throw corrupt(staged, 'not a staged coin key');
  const key = staged.slice();
  key[0] = Prefix.COIN;
  return key;
}

export function heightKey(height: number): Uint8Array {
  const key = new Uint8Array(5);
  key[0] = Prefix.HEIGHT;
  writeU32BE(key, 1, checkedU32(height, 'height'));
  return key;
}

/** Iterator bounds covering every key with this prefix. */
export function prefixRange(prefix: number): { gte: Uint8Array; lt: Uint8Array } {
  return { gte: Uint8Array.of(prefix), lt: Uint8Array.of(prefix + 1) };
}

export function hashFromKey(key: Uint8Array): Uint8Array {
  if (key.length !== 1 + HASH_SIZE) throw corrupt(key, `key length ${key.length}, expected 33`);
  return key.slice(1);
}

export function outPointFromKey(key: Uint8Array): OutPoint {
  if (key.length !== COIN_KEY_SIZE || key[0] !== Prefix.COIN) throw corrupt(key, 'not a coin key');
  return new OutPoint(key.slice(1, 1 + HASH_SIZE), readU32BE(key, 1 + HASH_SIZE));
}

export function heightFromKey(key: Uint8Array): number {
  if (key.length !== 5 || key[0] !== Prefix.HEIGHT) throw corrupt(key, 'not a height key');
  return readU32BE(key, 1);
}

/** A key as an operator can read it in an error message. */
export function describeKey(key: Uint8Array): string {
  const body = key.subarray(1);
  switch (key[0]) {
    case Prefix.META:
      return 'meta record';
    case Prefix.TIP:
      return 'tip record';
    case Prefix.BLOCK_INDEX:
      return key.length === 33 ? `block index entry ${hashToHex(body)}` : `block index key ${toHex(key)}`;
    case Prefix.BLOCK:
      return key.length === 33 ? `block body ${hashToHex(body)}` : `block key ${toHex(key)}`;
    case Prefix.UNDO:
      return key.length === 33 ? `undo data ${hashToHex(body)}` : `undo key ${toHex(key)}`;
    case Prefix.COIN:
      return key.length === COIN_KEY_SIZE
        ? `coin ${hashToHex(body.subarray(0, 32))}:${readU32BE(key, 33)}`
        : `coin key ${toHex(key)}`;
    case Prefix.HEIGHT:
      return key.length === 5 ? `height entry ${readU32BE(key, 1)}` : `height key ${toHex(key)}`;
    case Prefix.SNAPSHOT_BASE:
      return 'snapshot base record';
    case Prefix.SNAPSHOT_INSTALL:
      return 'snapshot install record';
    case Prefix.STAGED_COIN:
      return key.length === COIN_KEY_SIZE ? `staged coin ${hashToHex(body.subarray(0, 32))}:${readU32BE(key, 33)}` : `staged coin key ${toHex(key)}`;
    default:
      return `key ${toHex(key)}`;
  }
}

// ---- values ----

export function encodeMeta(meta: StoreMeta): Uint8Array {
  return new ByteWriter(64)
    .u32(meta.schemaVersion)
    .bytes(checkedHash(meta.genesisHash))
    .varBytes(utf8.encode(meta.network))
    .finish();
}

export function decodeMeta(key: Uint8Array, value: Uint8Array): StoreMeta {
  return decodeRecord(key, value, 'meta record', (r) => ({
    schemaVersion: r.u32('schema version'),
    genesisHash: r.bytesCopy(HASH_SIZE, 'genesis hash'),
    network: strictUtf8.decode(r.varBytes('network name')),
  }));
}

/** Reads only the version, which every schema keeps first, so a newer layout is named, not "corrupt". */
export function decodeSchemaVersion(key: Uint8Array, value: Uint8Array): number {
  return decodeRecord(key, value, 'meta record', (r) => {
    const version = r.u32('schema version');
    r.offset = r.bytes.length;
    return version;
  });
}

/** Tip and height values: exactly one 32-byte hash. */
export function encodeHash(hash: Uint8Array): Uint8Array {
  return checkedHash(hash).slice();
}

export function decodeHash(key: Uint8Array, value: Uint8Array): Uint8Array {
  return decodeRecord(key, value, 'hash', (r) => r.bytesCopy(HASH_SIZE, 'hash'));
}

export function encodeBlockIndex(record: BlockIndexRecord): Uint8Array {
  if ((record.status & ~ALL_STATUS_BITS) !== 0) throw new RangeError(`unknown block status bits ${record.status}`);
  const writer = new ByteWriter(BLOCK_INDEX_VALUE_SIZE);
  record.header.write(writer);
  writer.u32(checkedHeight(record.height)).u32(record.status).u32(record.txCount);
  return writer.bytes(chainworkBytes(record.chainwork)).finish();
}

export function decodeBlockIndex(key: Uint8Array, value: Uint8Array): BlockIndexRecord {
  const hash = hashFromKey(key);
  return decodeRecord(key, value, 'block index entry', (r) => {
    // The key is the hash the entry was stored under: loading the index never re-hashes headers.
    const header = BlockHeader.read(r).withKnownHash(hash);
    const height = r.u32('height');
    const status = r.u32('status');
    if ((status & ~ALL_STATUS_BITS) !== 0) throw new Error(`unknown status bits 0x${status.toString(16)}`);
    const txCount = r.u32('tx count');
    const chainwork = bigintFromBE(r.bytesView(32, 'chainwork'));
    return { hash, header, height, chainwork, status, txCount };
  });
}

export function decodeBlock(key: Uint8Array, value: Uint8Array): Block {
  return decodeRecord(key, value, 'block', (r) => Block.read(r));
}

/** One allocation per coin: a flush runs this for every output of every connected block. */
export function encodeCoin(coin: Coin): Uint8Array {
  const out = new Uint8Array(coinBytes(coin));
  writeCoin(out, 0, coin);
  return out;
}

/** encodeCoin written at the start of `out`, which holds at least coinBytes(coin). */
export function writeCoinValue(out: Uint8Array, coin: Coin): void {
  writeCoin(out, 0, coin);
}

/** The length of encodeCoin(coin), without encoding it. */
export function coinBytes(coin: Coin): number {
  return 12 + compactSizeLength(coin.script.length) + coin.script.length;
}

/** Writes the coin's record at `offset`; returns the offset after it. */
function writeCoin(out: Uint8Array, offset: number, coin: Coin): number {
  writeCoinHead(out, offset, coin);
  const scriptAt = writeCompactSize(out, offset + 12, coin.script.length);
  out.set(coin.script, scriptAt);
  return scriptAt + coin.script.length;
}

export function decodeCoin(key: Uint8Array, value: Uint8Array): Coin {
  return decodeRecord(key, value, 'coin', readCoin);
}

/** One allocation for a block's undo data (~2,000 coins for a 2,000-tx block), not one per coin. */
export function encodeUndo(coins: readonly Coin[]): Uint8Array {
  let size = compactSizeLength(coins.length);
  for (const coin of coins) size += coinBytes(coin);
  const out = new Uint8Array(size);
  let offset = writeCompactSize(out, 0, coins.length);
  for (const coin of coins) offset = writeCoin(out, offset, coin);
  return out;
}

export function decodeUndo(key: Uint8Array, value: Uint8Array): Coin[] {
  return decodeRecord(key, value, 'undo data', (r) => {
    const count = r.count(MIN_COIN_BYTES, 'undo coin count');
    const coins: Coin[] = new Array(count);
    for (let i = 0; i < count; i++) coins[i] = readCoin(r);
    return coins;
  });
}

// ---- helpers ----

/**
 * LevelDB hands back Node Buffers, whose slice() is a view and which deepEqual tells apart
 * from Uint8Array; a plain view keeps decoded objects ordinary Uint8Arrays that own copies.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeRecord<T>(key: Uint8Array, value: Uint8Array, what: string, read: (r: ByteReader) => T): T {
  try {
    const reader = new ByteReader(plainBytes(value));
    const result = read(reader);
    reader.end(what);
    return result;
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw corrupt(key, `bad ${what}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

function corrupt(key: Uint8Array, detail: string, cause?: unknown): StoreError {
  return new StoreError('corrupt', `${describeKey(key)}: ${detail}`, { cause });
}

function readCoin(r: ByteReader): Coin {
  const code = r.u32('coin height/coinbase');
  const value = r.u64('coin value');
  if (value > MAX_AMOUNT) throw new Error(`coin value ${value} above int64`);
  const script = r.varBytes('coin script');
  return { value, script, height: code >>> 1, coinbase: (code & 1) === 1 };
}

function writeCoinHead(out: Uint8Array, offset: number, coin: Coin): void {
  if (coin.value < 0n || coin.value > MAX_AMOUNT) throw new RangeError(`coin value ${coin.value} out of range`);
  writeU32LE(out, offset, checkedHeight(coin.height) * 2 + (coin.coinbase ? 1 : 0));
  // Every real amount (at most 21e14) is a safe integer: two u32 halves without a DataView.
  if (coin.value <= MAX_SAFE_AMOUNT) {
    const value = Number(coin.value);
    writeU32LE(out, offset + 4, value % 0x1_0000_0000);
    writeU32LE(out, offset + 8, Math.floor(value / 0x1_0000_0000));
  } else {
    new DataView(out.buffer, out.byteOffset, out.byteLength).setBigUint64(offset + 4, coin.value, true);
  }
}

function writeU32LE(out: Uint8Array, offset: number, v: number): void {
  out[offset] = v;
  out[offset + 1] = v >>> 8;
  out[offset + 2] = v >>> 16;
  out[offset + 3] = v >>> 24;
}

function writeCompactSize(out: Uint8Array, offset: number, n: number): number {
  if (n < 0xfd) {
    out[offset] = n;
    return offset + 1;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (n <= 0xffff) {
    out[offset] = 0xfd;
    view.setUint16(offset + 1, n, true);
    return offset + 3;
  }
  out[offset] = 0xfe;
  view.setUint32(offset + 1, n, true);
  return offset + 5;
}

function checkedHash(hash: Uint8Array): Uint8Array {
  if (hash.length !== HASH_SIZE) throw new RangeError(`a hash is 32 bytes, got ${hash.length}`);
  return hash;
}

function checkedU32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${what} ${v} is not a uint32`);
  return v;
}

function checkedHeight(height: number): number {
  if (!Number.isInteger(height) || height < 0 || height > MAX_HEIGHT) throw new RangeError(`height ${height} out of range`);
  return height;
}

function chainworkBytes(work: bigint): Uint8Array {
  if (work < 0n || work >= 1n << 256n) throw new RangeError(`chainwork ${work} does not fit 256 bits`);
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && work > 0n; i--) {
    out[i] = Number(work & 0xffn);
    work >>= 8n;
  }
  return out;
}

function bigintFromBE(bytes: Uint8Array): bigint {
  if (bytes.length !== 32) return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
  // A chainwork: four 64-bit reads, not a hex string parsed back (once per block index entry at startup).
  const view = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return (view.getBigUint64(0) << 192n) | (view.getBigUint64(8) << 128n) | (view.getBigUint64(16) << 64n) | view.getBigUint64(24);
}

function writeU32BE(out: Uint8Array, offset: number, v: number): void {
  out[offset] = v >>> 24;
  out[offset + 1] = (v >>> 16) & 0xff;
  out[offset + 2] = (v >>> 8) & 0xff;
  out[offset + 3] = v & 0xff;
}

function readU32BE(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) >>> 0) + (bytes[offset + 1] << 16) + (bytes[offset + 2] << 8) + bytes[offset + 3];
}
