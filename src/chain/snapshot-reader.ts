/**
 * Reads Core's UTXO snapshot format (what dumptxoutset writes, rpc/format/utxo-snapshot.ts):
 * metadata (magic "utxo" 0xff, u16 version 2, 4-byte network magic, 32-byte base block hash,
 * u64 coin count), then the coins grouped by txid: txid, CompactSize count, then per coin
 * CompactSize vout, VARINT(height * 2 + coinbase), VARINT(CompressAmount(value)),
 * VARINT(script size + 6) and the script. Failures carry Core's messages (validation.cpp's
 * PopulateAndValidateSnapshot, utxo_snapshot.h's metadata checks).
 */
import type { FileHandle } from 'node:fs/promises';
import { bytesEqual, hashToHex, toHex } from '../primitives/bytes.js';
import type { Coin } from '../primitives/coin.js';
import { OutPoint } from '../primitives/outpoint.js';

const MAGIC = Uint8Array.of(0x75, 0x74, 0x78, 0x6f, 0xff);
const SUPPORTED_VERSION = 2;
const METADATA_SIZE = 5 + 2 + 4 + 32 + 8;
/** Core's ScriptCompression: sizes below this are its special forms (P2PKH, P2SH, P2PK), never on this chain. */
const SPECIAL_SCRIPTS = 6;
const MAX_SCRIPT_SIZE = 10_000;
const MAX_MONEY = 21_000_000n * 100_000_000n;
const READ_CHUNK = 1 << 20;

/** `metadata`: the header is not a snapshot of ours (Core: "Unable to parse metadata"); `population`: the coins are bad. */
export class SnapshotFileError extends Error {
  constructor(
    readonly kind: 'metadata' | 'population',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotFileError';
  }
}

export interface SnapshotMetadata {
  /** Display-order hash of the base block. */
  readonly baseHash: string;
  readonly coinsCount: number;
}

class Truncated extends Error {}

/** A file read forward through a buffer refilled a chunk at a time. */
class BufferedFile {
  private buf = new Uint8Array(0);
  private pos = 0;
  private eof = false;

  constructor(private readonly file: FileHandle) {}

  /** Buffers at least `n` bytes when the file still has them. */
  async fill(n: number): Promise<void> {
    while (this.buf.length - this.pos < n && !this.eof) {
      const chunk = new Uint8Array(Math.max(READ_CHUNK, n));
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) this.eof = true;
      const rest = this.buf.subarray(this.pos);
      const merged = new Uint8Array(rest.length + bytesRead);
      merged.set(rest);
      merged.set(chunk.subarray(0, bytesRead), rest.length);
      this.buf = merged;
      this.pos = 0;
    }
  }

  async atEnd(): Promise<boolean> {
    await this.fill(1);
    return this.buf.length === this.pos;
  }

  take(n: number): Uint8Array {
    if (this.buf.length - this.pos < n) throw new Truncated();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0];
  }

  /** Core's ReadCompactSize, canonical encodings only. */
  compactSize(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    const size = first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
    const bytes = this.take(size);
    let n = 0n;
    for (let i = size - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
    const min = first === 0xfd ? 0xfdn : first === 0xfe ? 0x10000n : 0x100000000n;
    if (n < min || n > 0x02000000n) throw new Truncated();
    return Number(n);
  }

  /** Core's ReadVarInt (MSB base-128, "+1" per continuation byte), bounded by `max`. */
  varInt(max: bigint): bigint {
    let n = 0n;
    for (;;) {
      const ch = this.u8();
      if (n > max >> 7n) throw new Truncated();
      n = (n << 7n) | BigInt(ch & 0x7f);
      if ((ch & 0x80) === 0) return n;
      if (n === max) throw new Truncated();
      n++;
    }
  }
}

/** Core's DecompressAmount. */
export function decompressAmount(compressed: bigint): bigint {
  if (compressed === 0n) return 0n;
  let x = compressed - 1n;
  let e = x % 10n;
  x /= 10n;
  let n: bigint;
  if (e < 9n) {
    const d = (x % 9n) + 1n;
    x /= 9n;
    n = x * 10n + d;
  } else {
    n = x + 1n;
  }
  for (; e > 0n; e--) n *= 10n;
  return n;
}

/** Metadata at the start of `file`, checked against this node's network (`networkMagic`). */
export async function readMetadata(reader: SnapshotReader, networkMagic: Uint8Array): Promise<SnapshotMetadata> {
  const source = reader.source;
  await source.fill(METADATA_SIZE);
  try {
    if (!bytesEqual(source.take(5), MAGIC)) {
      throw new SnapshotFileError('metadata', 'Invalid UTXO set snapshot magic bytes. Please check if this is indeed a snapshot file or if you are using an outdated snapshot format.');
    }
    const versionBytes = source.take(2);
    const version = versionBytes[0] | (versionBytes[1] << 8);
    if (version !== SUPPORTED_VERSION) throw new SnapshotFileError('metadata', `Version of snapshot ${version} does not match any of the supported versions.`);
    const magic = source.take(4);
    if (!bytesEqual(magic, networkMagic)) {
      throw new SnapshotFileError('metadata', `The network of the snapshot (${toHex(magic)}) does not match the network of this node (${toHex(networkMagic)}).`);
    }
    const baseHash = hashToHex(source.take(32));
    const count = source.take(8);
    let coins = 0n;
    for (let i = 7; i >= 0; i--) coins = (coins << 8n) | BigInt(count[i]);
    if (coins > BigInt(Number.MAX_SAFE_INTEGER)) throw new SnapshotFileError('metadata', `coin count ${coins} is out of range`);
    return { baseHash, coinsCount: Number(coins) };
  } catch (err) {
    if (err instanceof Truncated) throw new SnapshotFileError('metadata', 'the file ends inside the snapshot metadata');
    throw err;
  }
}

export interface SnapshotCoin {
  readonly outpoint: OutPoint;
  readonly coin: Coin;
}

/** Reads one snapshot file; `readMetadata` first, then `coins` once. */
export class SnapshotReader {
  readonly source: BufferedFile;

  constructor(file: FileHandle) {
    this.source = new BufferedFile(file);
  }

  /**
   * Yields the snapshot's coins, checking each as Core does (height at most the base's, vout
   * below 2^32-1, value within MoneyRange); then requires the file to end there.
   */
  async *coins(metadata: SnapshotMetadata, baseHeight: number): AsyncGenerator<SnapshotCoin> {
    const source = this.source;
    let left = metadata.coinsCount;
    let processed = 0;
    const bad = (detail = ''): SnapshotFileError => new SnapshotFileError('population', `Bad snapshot data after deserializing ${processed} coins${detail}`);
    try {
      while (left > 0) {
        await source.fill(32 + 9);
        const txid = source.take(32).slice();
        const perTxid = source.compactSize();
        if (perTxid > left) throw new SnapshotFileError('population', 'Mismatch in coins count in snapshot metadata and actual snapshot data');
        for (let i = 0; i < perTxid; i++) {
          await source.fill(9 + 5 + 10 + 5);
          const index = source.compactSize();
          const code = source.varInt(0xffffffffn);
          const value = decompressAmount(source.varInt(0xffffffffffffffffn));
          const size = Number(source.varInt(0xffffffffn));
          if (size < SPECIAL_SCRIPTS || size - SPECIAL_SCRIPTS > MAX_SCRIPT_SIZE) throw bad(' - a script form this chain cannot hold');
          await source.fill(size - SPECIAL_SCRIPTS);
          const script = source.take(size - SPECIAL_SCRIPTS).slice();
          const height = Number(code >> 1n);
          if (height > baseHeight || index >= 0xffffffff) throw bad();
          if (value > MAX_MONEY) throw bad(' - bad tx out value');
          left--;
          processed++;
          yield { outpoint: new OutPoint(txid, index), coin: { value, script, height, coinbase: (code & 1n) === 1n } };
        }
      }
    } catch (err) {
      if (err instanceof Truncated) throw new SnapshotFileError('population', `Bad snapshot format or truncated snapshot after deserializing ${processed} coins.`);
      throw err;
    }
    if (!(await source.atEnd())) throw new SnapshotFileError('population', `Bad snapshot - coins left over after deserializing ${processed} coins.`);
  }
}
