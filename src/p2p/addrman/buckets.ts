/**
 * Keyed bucket and slot choice, as Core's AddrInfo::GetNewBucket/GetTriedBucket/GetBucketPosition:
 * every hash mixes in the book's secret key, so an attacker cannot compute which addresses share
 * a bucket or a slot, and cannot aim its addresses at our honest ones.
 */
import { sha256 } from '@noble/hashes/sha2.js';

/** Core's ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP: one source group reaches at most this many new buckets. */
export const NEW_BUCKETS_PER_SOURCE_GROUP = 64;
/** Core's ADDRMAN_TRIED_BUCKETS_PER_GROUP: one address group reaches at most this many tried buckets. */
export const TRIED_BUCKETS_PER_GROUP = 8;

const encoder = new TextEncoder();

/** H(key, parts...): sha256 over the key and length-prefixed parts; the first 48 bits as a number. */
export function keyedHash(key: Uint8Array, ...parts: (string | number)[]): number {
  const chunks: Uint8Array[] = [key];
  for (const part of parts) {
    // Length prefixes keep ('ab','c') and ('a','bc') apart; numbers are tagged apart from strings.
    const body = typeof part === 'number' ? encoder.encode(`#${part}`) : encoder.encode(`s${part}`);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, body.length, true);
    chunks.push(length, body);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  const digest = sha256(data);
  // 48 bits stay an exact integer in a double.
  return digest[0] * 2 ** 40 + digest[1] * 2 ** 32 + ((digest[2] << 24) >>> 0) + (digest[3] << 16) + (digest[4] << 8) + digest[5];
}

/** New bucket: the source group picks 64 of the buckets, the address group one of those 64. */
export function newBucket(key: Uint8Array, group: string, sourceGroup: string, bucketCount: number): number {
  const slice = keyedHash(key, 'new-group', group, sourceGroup) % NEW_BUCKETS_PER_SOURCE_GROUP;
  return keyedHash(key, 'new-source', sourceGroup, slice) % bucketCount;
}

/** Tried bucket: the address group picks 8 of the buckets, the address key one of those 8. */
export function triedBucket(key: Uint8Array, addrKey: string, group: string, bucketCount: number): number {
  const slice = keyedHash(key, 'tried-key', addrKey) % TRIED_BUCKETS_PER_GROUP;
  return keyedHash(key, 'tried-group', group, slice) % bucketCount;
}

/** Slot of an address inside a bucket of the new or the tried table. */
export function bucketPosition(key: Uint8Array, isNew: boolean, bucket: number, addrKey: string, bucketSize: number): number {
  return keyedHash(key, isNew ? 'N' : 'K', bucket, addrKey) % bucketSize;
}
