/**
 * Every record under one key prefix in key order, a chunk at a time: LevelDB's entries (from a
 * snapshot when given), with the write cache's records laid over them, since a scan of the
 * database alone would miss what is not flushed yet and still see what the cache deleted.
 */
import { databaseError, type Db } from './database.js';
import { plainBytes, prefixRange } from './layout.js';

export type Snapshot = ReturnType<Db['snapshot']>;
/** A key and its stored value, as LevelDB's iterator gives them. */
export type RawEntry = [Uint8Array, Uint8Array];
/** A cached record under the prefix: its value, or undefined where the cache deleted it. */
export type CachedEntry = [Uint8Array, Uint8Array | undefined];

/** Entries fetched per iterator step: large enough to amortise the native call, small in memory. */
const ITERATOR_CHUNK = 1000;
/** classic-level stops a step at this many bytes (default 16 KiB, ~100 entries); room for a full chunk. */
const ITERATOR_CHUNK_BYTES = 1024 * 1024;

/** LevelDB's entries under one prefix alone; `dir` names the database in errors. */
export async function* dbChunks(db: Db, dir: string, prefix: number, snapshot?: Snapshot): AsyncGenerator<RawEntry[]> {
  const iterator = db.iterator({
    ...prefixRange(prefix),
    ...(snapshot ? { snapshot } : {}),
    highWaterMarkBytes: ITERATOR_CHUNK_BYTES,
    // A full scan would otherwise evict the hot blocks (recent coins) from LevelDB's cache.
    fillCache: false,
  });
  try {
    for (;;) {
      let chunk: RawEntry[];
      try {
        chunk = await iterator.nextv(ITERATOR_CHUNK);
      } catch (err) {
        throw databaseError(dir, err);
      }
      if (chunk.length === 0) return;
      yield chunk;
    }
  } finally {
    await iterator.close();
  }
}

/** The database's chunks with `cached` (sorted by key) merged in: a cached record wins over the stored one. */
export async function* mergedChunks(stored: AsyncIterable<RawEntry[]>, cached: readonly CachedEntry[]): AsyncGenerator<RawEntry[]> {
  if (cached.length === 0) {
    yield* stored;
    return;
  }
  let next = 0;
  for await (const chunk of stored) {
    const merged: RawEntry[] = [];
    for (const entry of chunk) {
      const key = plainBytes(entry[0]);
      for (; next < cached.length && compareBytes(cached[next][0], key) < 0; next++) pushValue(merged, cached[next]);
      if (next < cached.length && compareBytes(cached[next][0], key) === 0) pushValue(merged, cached[next++]);
      else merged.push(entry);
    }
    if (merged.length > 0) yield merged;
  }
  const rest: RawEntry[] = [];
  for (; next < cached.length; next++) pushValue(rest, cached[next]);
  if (rest.length > 0) yield rest;
}

function pushValue(out: RawEntry[], [key, value]: CachedEntry): void {
  if (value) out.push([key, value]);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
