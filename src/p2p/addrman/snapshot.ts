/** The book's tables to and from what persist.ts writes: entries with their buckets, and the key. */
import type { ResolvedAddrManOptions } from './options.js';
import type { BookSnapshot, StoredEntry } from './persist.js';
import { type BucketTables, NEW_BUCKETS_PER_ADDRESS } from './tables.js';
import type { Logger } from '../../util/logger.js';

export function snapshotOf(tables: BucketTables, options: ResolvedAddrManOptions): BookSnapshot {
  const entries: StoredEntry[] = [...tables.byId.values()].map((info) => ({
    peerId: info.peerId,
    multiaddrs: info.multiaddrs,
    services: info.services,
    lastSeen: info.lastSeen,
    lastSuccess: info.lastSuccess,
    lastTry: info.lastTry,
    attempts: info.attempts,
    sourceGroup: info.sourceGroup,
    tried: info.tried,
    newBuckets: info.tried ? [] : [...info.newRefs],
  }));
  return { key: tables.key, newBuckets: options.newBuckets, bucketSize: options.bucketSize, entries };
}

/** Puts loaded entries back in their slots: tried first, then new in their saved buckets. */
export function restoreSnapshot(tables: BucketTables, snapshot: BookSnapshot, options: ResolvedAddrManOptions, logger: Logger): void {
  let lost = 0;
  const ordered = [...snapshot.entries].sort((a, b) => Number(b.tried) - Number(a.tried));
  for (const stored of ordered) {
    const info = tables.create(stored, 0, stored.sourceGroup);
    Object.assign(info, { lastSuccess: stored.lastSuccess, lastTry: stored.lastTry, attempts: stored.attempts });
    if (stored.tried && tables.triedIncumbent(info) === undefined) {
      tables.makeTried(info);
      continue;
    }
    // Saved buckets when the table has the same shape, else the bucket of the entry's first source.
    const sameShape = snapshot.newBuckets === options.newBuckets && snapshot.bucketSize === options.bucketSize;
    const buckets = sameShape ? stored.newBuckets.filter((b) => b < options.newBuckets) : [];
    if (buckets.length === 0) buckets.push(tables.newBucketOf(info));
    for (const bucket of buckets.slice(0, NEW_BUCKETS_PER_ADDRESS)) {
      const index = tables.newIndex(bucket, info.peerId);
      if (tables.newAt(index) === undefined && !info.newRefs.includes(bucket)) tables.placeNew(info, bucket, index);
    }
    if (info.newRefs.length === 0) {
      tables.byId.delete(info.peerId);
      lost++;
    }
  }
  if (lost > 0) logger.info({ lost }, 'addrman: entries without a free slot after loading were dropped');
  logger.info({ size: tables.byId.size, tried: tables.triedCount }, 'addrman: address book loaded');
}
