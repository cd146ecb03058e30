/**
 * gettxoutsetinfo-style summary of the UTXO set.
 *
 * The hash is Bitcoin Core's `hash_serialized_3`: sha256d over the concatenation, in outpoint
 * order (txid internal bytes, then index ascending), of each coin's TxOutSer:
 *
 *     txid (32, internal order) | index (u32 LE) | height * 2 + coinbase (u32 LE)
 *     | amount (i64 LE) | compactSize script length | script
 *
 * Our coin values are stored as exactly the part after the outpoint (see layout.ts), and our
 * key order is Core's, so the same set hashes to the same value as in Core. The hash is
 * returned in internal order; RPC shows it reversed (hashToHex), as Core does.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeCoin, plainBytes } from './layout.js';

export interface UtxoStats {
  /** Main-chain tip when the stats were taken (same database snapshot), internal order. */
  readonly tip: Uint8Array | undefined;
  /** Unspent outputs (Core's `txouts`). */
  readonly count: number;
  /** Transactions with at least one unspent output. */
  readonly transactions: number;
  readonly totalAmount: bigint;
  /** hash_serialized_3, internal byte order. */
  readonly hash: Uint8Array;
  /** Core's database-independent `bogosize`: 50 + script length per coin. */
  readonly bogoSize: number;
  /** Bytes of keys and values as stored, before LevelDB's compression. */
  readonly bytes: number;
}

const TXID_OFFSET = 1;
const INDEX_OFFSET = 33;

export class UtxoStatsAccumulator {
  private readonly hasher = sha256.create();
  private readonly lastTxid = new Uint8Array(32);
  private count = 0;
  private transactions = 0;
  private totalAmount = 0n;
  private bogoSize = 0;
  private bytes = 0;

  /** Adds one chunk of coin entries, in key order. */
  addChunk(entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): void {
    let size = 0;
    for (const [, value] of entries) size += 36 + value.length;
    const out = new Uint8Array(size);
    let offset = 0;
    for (const [rawKey, rawValue] of entries) {
      const key = plainBytes(rawKey);
      const value = plainBytes(rawValue);
      offset = this.addCoin(key, value, out, offset);
    }
    this.hasher.update(out);
  }

  finish(tip: Uint8Array | undefined): UtxoStats {
    return {
      tip,
      count: this.count,
      transactions: this.transactions,
      totalAmount: this.totalAmount,
      hash: sha256(this.hasher.digest()),
      bogoSize: this.bogoSize,
      bytes: this.bytes,
    };
  }

  /** Validates and counts one coin and appends its TxOutSer to `out`. */
  private addCoin(key: Uint8Array, value: Uint8Array, out: Uint8Array, offset: number): number {
    const coin = decodeCoin(key, value); // also rejects a malformed key or value as corrupt
    const txid = key.subarray(TXID_OFFSET, INDEX_OFFSET);
    this.countTx(txid);
    this.count++;
    this.totalAmount += coin.value;
    this.bogoSize += 50 + coin.script.length;
    this.bytes += key.length + value.length;
    out.set(txid, offset);
    // Keys hold the index big-endian (for ordering); TxOutSer wants it little-endian.
    for (let i = 0; i < 4; i++) out[offset + 32 + i] = key[INDEX_OFFSET + 3 - i];
    out.set(value, offset + 36);
    return offset + 36 + value.length;
  }

  private countTx(txid: Uint8Array): void {
    if (this.count > 0 && equal32(txid, this.lastTxid)) return;
    this.transactions++;
    this.lastTxid.set(txid);
  }
}

function equal32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}
