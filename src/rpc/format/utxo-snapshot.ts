/**
 * Core's UTXO snapshot format (dumptxoutset, Core 28: SnapshotMetadata version 2, then the coins
 * grouped by txid). Coins use Core's compact serialization: VARINT(height * 2 + coinbase),
 * VARINT(CompressAmount(value)), and the script as VARINT(size + 6) || bytes (none of Core's six
 * special script forms, P2PKH/P2SH/P2PK, can occur on this chain).
 */
import type { Coin } from '../../primitives/coin.js';
import { ByteWriter } from '../../primitives/writer.js';

export const SNAPSHOT_MAGIC = Uint8Array.of(0x75, 0x74, 0x78, 0x6f, 0xff); // "utxo" 0xff
export const SNAPSHOT_VERSION = 2;
const SPECIAL_SCRIPTS = 6;

/** Core's WriteVarInt (MSB base-128 with the "+1" per continuation byte). */
export function writeVarInt(writer: ByteWriter, value: bigint): void {
  const bytes: number[] = [];
  let n = value;
  for (let len = 0; ; len++) {
    bytes.push(Number(n & 0x7fn) | (len ? 0x80 : 0));
    if (n <= 0x7fn) break;
    n = (n >> 7n) - 1n;
  }
  for (let i = bytes.length - 1; i >= 0; i--) writer.u8(bytes[i]);
}

/** Core's CompressAmount. */
export function compressAmount(value: bigint): bigint {
  if (value === 0n) return 0n;
  let n = value;
  let e = 0n;
  while (n % 10n === 0n && e < 9n) {
    n /= 10n;
    e++;
  }
  if (e < 9n) {
    const d = n % 10n;
    n /= 10n;
    return 1n + (n * 9n + d - 1n) * 10n + e;
  }
  return 1n + (n - 1n) * 10n + 9n;
}

export function writeSnapshotHeader(writer: ByteWriter, networkMagic: Uint8Array, baseHash: Uint8Array, coins: number): void {
  writer.bytes(SNAPSHOT_MAGIC);
  writer.u8(SNAPSHOT_VERSION & 0xff).u8(SNAPSHOT_VERSION >> 8);
  writer.bytes(networkMagic).bytes(baseHash).u64(BigInt(coins));
}

/** One txid's coins: txid, CompactSize count, then (CompactSize vout, coin) each. */
export function writeTxCoins(writer: ByteWriter, txid: Uint8Array, coins: ReadonlyArray<{ index: number; coin: Coin }>): void {
  writer.bytes(txid).compactSize(coins.length);
  for (const { index, coin } of coins) {
    writer.compactSize(index);
    writeVarInt(writer, BigInt(coin.height) * 2n + (coin.coinbase ? 1n : 0n));
    writeVarInt(writer, compressAmount(coin.value));
    writeVarInt(writer, BigInt(coin.script.length + SPECIAL_SCRIPTS));
    writer.bytes(coin.script);
  }
}
