/**
 * One record of the write-back cache (write-cache.ts) and what is made of it: its Map key, its
 * LevelDB key and value bytes, and the heap it is counted as. A coin is held as its outpoint
 * and Coin object and encoded only here, when a flush or a read by key bytes needs the bytes.
 */
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { BatchOperation } from './batch.js';
import { COIN_KEY_SIZE, coinBytes, coinKey, encodeCoin, outPointFromKey, Prefix } from './layout.js';

export interface CachedRecord {
  /** A coin's outpoint (`value` is then the Coin); undefined for any other record. */
  readonly outpoint: OutPoint | undefined;
  /** Any other record's key (a coin's is made by the flush that writes it). */
  readonly key: Uint8Array | undefined;
  /** A coin, or any other record's bytes; undefined: deleted. */
  value: Coin | Uint8Array | undefined;
  /** A coin the database does not hold: deleting it drops the record altogether. */
  fresh: boolean;
}

/** Rough JS heap cost of one cached record besides its key and value bytes (Map slot, objects). */
export const RECORD_OVERHEAD = 160;

/** Reused by keyString: a Buffer made per key cost twice the copy (one thread; nothing here awaits). */
const scratch = Buffer.allocUnsafe(64);

/** A record key as a Map key: its bytes one char each (every key of the layout is under 64 bytes). */
export function keyString(key: Uint8Array): string {
  if (key.length > scratch.length) return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
  scratch.set(key);
  return scratch.toString('latin1', 0, key.length);
}

/**
 * A coin's Map key is its outpoint's own key (display txid and index, OutPoint.key()): a
 * block's connect already made and hashed that string for its overlay, so its thousands of
 * coin reads and writes make no key string of their own. It is 66 chars or more and never
 * equals a keyString (under 64).
 */
export function opKey(op: Exclude<BatchOperation, { type: 'coins' }>): string {
  if (op.type === 'coin') return op.outpoint.key();
  // Rare (direct writes, snapshot installs): a coin written by its bytes.
  if (op.key[0] === Prefix.COIN) return outPointFromKey(op.key).key();
  return keyString(op.key);
}

/** Whether an operation writes coins (which must not overtake a layer). */
export function writesCoins(op: BatchOperation): boolean {
  return op.type === 'coin' || op.type === 'coins' || op.key[0] === Prefix.COIN;
}

export function recordPrefix(record: CachedRecord): number {
  return record.outpoint ? Prefix.COIN : record.key![0];
}

export function keyBytes(record: CachedRecord): Uint8Array {
  return record.outpoint ? coinKey(record.outpoint) : record.key!;
}

export function valueBytes(record: CachedRecord): Uint8Array | undefined {
  if (record.value === undefined) return undefined;
  return record.outpoint ? encodeCoin(record.value as Coin) : (record.value as Uint8Array);
}

export function recordBytes(record: CachedRecord): number {
  if (record.outpoint) return RECORD_OVERHEAD + COIN_KEY_SIZE + (record.value ? coinBytes(record.value as Coin) : 0);
  return RECORD_OVERHEAD + record.key!.length + ((record.value as Uint8Array | undefined)?.length ?? 0);
}
