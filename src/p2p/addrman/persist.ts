/**
 * `<dataDir>/peers.json`: the address book's secret key and entries. Written atomically (temp
 * file, fsync, rename, then the directory fsynced) with mode 0600 whatever the umask. A file that
 * cannot be read or fails any check is moved aside to `peers.json.corrupt-<time>` with a warning,
 * and the book starts empty: never a crash, never the evidence silently lost.
 */
import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

import { dialableMultiaddrs, isServices, isTimestamp, isValidPeerId } from './validate.js';
import type { Logger } from '../../util/logger.js';

export const PEERS_FILE = 'peers.json';
const FORMAT = 'powcoin-addrman';
const VERSION = 1;
const MAX_GROUP_LENGTH = 128;

/** One entry as stored; its group is recomputed from its first multiaddr on load. */
export interface StoredEntry {
  peerId: string;
  multiaddrs: string[];
  services: number;
  lastSeen: number;
  lastSuccess: number;
  lastTry: number;
  attempts: number;
  sourceGroup: string;
  tried: boolean;
  /** New-table buckets that referenced it (empty for tried entries). */
  newBuckets: number[];
}

export interface BookSnapshot {
  key: Uint8Array;
  /** New-table shape the saved buckets refer to (other shapes re-bucket on load). */
  newBuckets: number;
  bucketSize: number;
  entries: StoredEntry[];
}

export class CorruptBookError extends Error {
  readonly code = 'addrman-corrupt';
}

let tempCounter = 0;

export async function writeBook(file: string, snapshot: BookSnapshot): Promise<void> {
  const body = JSON.stringify({
    format: FORMAT,
    version: VERSION,
    key: Buffer.from(snapshot.key).toString('hex'),
    newBuckets: snapshot.newBuckets,
    bucketSize: snapshot.bucketSize,
    entries: snapshot.entries,
  });
  const temp = `${file}.tmp-${process.pid}-${++tempCounter}`;
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.chmod(0o600); // open's mode is filtered by the umask; this is not
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  await syncDir(dirname(file));
}

/** The stored book, or undefined when there is none or it was moved aside as corrupt. */
export async function readBook(file: string, logger: Logger): Promise<BookSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    await moveAside(file, err as Error, logger);
    return undefined;
  }
  try {
    return parseBook(text);
  } catch (err) {
    await moveAside(file, err as Error, logger);
    return undefined;
  }
}

/** Checks every field; throws CorruptBookError at the first that is wrong. */
export function parseBook(text: string): BookSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CorruptBookError(`not JSON: ${(err as Error).message}`);
  }
  const book = data as { format?: unknown; version?: unknown; key?: unknown; newBuckets?: unknown; bucketSize?: unknown; entries?: unknown };
  if (typeof data !== 'object' || data === null || book.format !== FORMAT) throw new CorruptBookError('not a powcoin address book');
  if (book.version !== VERSION) throw new CorruptBookError(`unknown version ${String(book.version)}`);
  if (typeof book.key !== 'string' || !/^[0-9a-f]{64}$/.test(book.key)) throw new CorruptBookError('bad key');
  for (const field of ['newBuckets', 'bucketSize'] as const) {
    const value = book[field];
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1 << 16) throw new CorruptBookError(`bad ${field}`);
  }
  if (!Array.isArray(book.entries)) throw new CorruptBookError('entries is not a list');
  const seen = new Set<string>();
  const entries = book.entries.map((raw: unknown, i: number) => {
    const entry = parseEntry(raw, i);
    if (seen.has(entry.peerId)) throw new CorruptBookError(`entry ${i}: duplicate peer id ${entry.peerId}`);
    seen.add(entry.peerId);
    return entry;
  });
  return { key: new Uint8Array(Buffer.from(book.key, 'hex')), newBuckets: book.newBuckets as number, bucketSize: book.bucketSize as number, entries };
}

function parseEntry(raw: unknown, i: number): StoredEntry {
  const fail = (what: string): never => {
    throw new CorruptBookError(`entry ${i}: bad ${what}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('entry');
  const e = raw as Record<string, unknown>;
  if (!isValidPeerId(e.peerId)) fail('peerId');
  const peerId = e.peerId as string;
  const multiaddrs = dialableMultiaddrs(e.multiaddrs, peerId) ?? fail('multiaddrs');
  if (!isServices(e.services)) fail('services');
  for (const field of ['lastSeen', 'lastSuccess', 'lastTry', 'attempts'] as const) if (!isTimestamp(e[field])) fail(field);
  if (typeof e.sourceGroup !== 'string' || e.sourceGroup.length === 0 || e.sourceGroup.length > MAX_GROUP_LENGTH) fail('sourceGroup');
  if (typeof e.tried !== 'boolean') fail('tried');
  const buckets = e.newBuckets;
  if (!Array.isArray(buckets) || buckets.length > 8 || !buckets.every((b) => Number.isInteger(b) && b >= 0)) fail('newBuckets');
  if (!e.tried && (buckets as number[]).length === 0) fail('newBuckets');
  return {
    peerId,
    multiaddrs,
    services: e.services as number,
    lastSeen: e.lastSeen as number,
    lastSuccess: e.lastSuccess as number,
    lastTry: e.lastTry as number,
    attempts: e.attempts as number,
    sourceGroup: e.sourceGroup as string,
    tried: e.tried as boolean,
    newBuckets: buckets as number[],
  };
}

async function moveAside(file: string, err: Error, logger: Logger): Promise<void> {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(file, aside);
    await chmod(aside, 0o600).catch(() => undefined);
    logger.warn({ file, movedTo: aside, err: err.message }, 'addrman: peers file unreadable or corrupt; moved aside, starting with an empty address book');
  } catch (renameErr) {
    logger.warn({ file, err: err.message, renameErr: (renameErr as Error).message }, 'addrman: peers file unreadable and could not be moved aside; starting with an empty address book');
  }
}

/** fsync the directory so the rename itself survives a power cut (best effort: not every FS allows it). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic.
  }
}
