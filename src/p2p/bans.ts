/**
 * Bans, until a time: of one peer id, or of an address (every peer id connecting from it; see
 * address-key.ts for what "an address" is). Kept in `<dataDir>/p2p-bans.json` so a restart
 * forgives nobody. The connection gater asks `isBanned`/`isAddressBanned` before dialling, on an
 * inbound connection, and after the handshake. A peer ban remembers the address it came from, so
 * repeated bans from one address can be counted (and survive a restart too).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BAN_FILE = 'p2p-bans.json';

export type BanKind = 'peer' | 'address';

export interface BanEntry {
  kind: BanKind;
  /** The banned peer id, or the banned address key. */
  target: string;
  /** For a peer ban: the address key the peer was connected from, when known. */
  address?: string;
  /** Milliseconds since the epoch when the ban was made and when it ends. */
  createdAt: number;
  until: number;
  reason: string;
}

export class BanList {
  private readonly bans = new Map<string, BanEntry>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string | undefined,
    private readonly now: () => number,
  ) {}

  /** Loads the list from `dataDir` (none: kept in memory only). A corrupt file starts an empty list. */
  static async open(dataDir: string | undefined, now: () => number = Date.now): Promise<BanList> {
    const list = new BanList(dataDir === undefined ? undefined : join(dataDir, BAN_FILE), now);
    if (list.file) await list.load(list.file);
    return list;
  }

  isBanned(peerId: string): boolean {
    return this.active('peer', peerId) !== undefined;
  }

  isAddressBanned(address: string): boolean {
    return this.active('address', address) !== undefined;
  }

  /** Bans a peer id; `address` is where it was connected from (counted by `peerBansFrom`). */
  ban(peerId: string, seconds: number, reason: string, address?: string): BanEntry {
    return this.add({ kind: 'peer', target: peerId, ...(address !== undefined ? { address } : {}) }, seconds, reason);
  }

  banAddress(address: string, seconds: number, reason: string): BanEntry {
    return this.add({ kind: 'address', target: address }, seconds, reason);
  }

  /** Peer ids banned (and still banned) that were connected from `address`. */
  peerBansFrom(address: string): number {
    return this.list().filter((entry) => entry.kind === 'peer' && entry.address === address).length;
  }

  /** Lifts the ban on a peer id or an address key. */
  unban(target: string): boolean {
    const removed = this.bans.delete(key('peer', target)) || this.bans.delete(key('address', target));
    if (removed) this.persist();
    return removed;
  }

  /** Bans still in force. */
  list(): BanEntry[] {
    const now = this.now();
    return [...this.bans.values()].filter((entry) => entry.until > now);
  }

  clear(): void {
    this.bans.clear();
    this.persist();
  }

  /** Resolves once every change so far is on disk. */
  async flush(): Promise<void> {
    await this.writing;
  }

  private add(what: Pick<BanEntry, 'kind' | 'target' | 'address'>, seconds: number, reason: string): BanEntry {
    const createdAt = this.now();
    const entry: BanEntry = { ...what, createdAt, until: createdAt + seconds * 1000, reason };
    this.bans.set(key(entry.kind, entry.target), entry);
    this.persist();
    return entry;
  }

  private active(kind: BanKind, target: string): BanEntry | undefined {
    const entry = this.bans.get(key(kind, target));
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry;
    this.bans.delete(key(kind, target));
    this.persist();
    return undefined;
  }

  private async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return;
    }
    try {
      const entries = JSON.parse(text) as unknown[];
      for (const raw of entries) {
        const entry = asBanEntry(raw);
        if (entry && entry.until > this.now()) this.bans.set(key(entry.kind, entry.target), entry);
      }
    } catch {
      // A damaged ban list is not worth refusing to start over; it is rewritten on the next change.
    }
  }

  /** Writes are chained, so the file always ends as the latest state; a temp file and rename keep it whole. */
  private persist(): void {
    const file = this.file;
    if (!file) return;
    const text = JSON.stringify(this.list(), null, 2);
    this.writing = this.writing.then(async () => {
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(`${file}.tmp`, text, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    }).catch(() => undefined);
  }
}

function key(kind: BanKind, target: string): string {
  return `${kind} ${target}`;
}

/** A stored entry, or one from before address bans ({ peerId, ... }); anything else is dropped. */
function asBanEntry(value: unknown): BanEntry | undefined {
  const raw = value as Partial<BanEntry> & { peerId?: unknown };
  if (typeof raw?.until !== 'number' || typeof raw.createdAt !== 'number' || typeof raw.reason !== 'string') return undefined;
  const { createdAt, until, reason } = raw;
  if (typeof raw.peerId === 'string') return { kind: 'peer', target: raw.peerId, createdAt, until, reason };
  if ((raw.kind !== 'peer' && raw.kind !== 'address') || typeof raw.target !== 'string') return undefined;
  const address = typeof raw.address === 'string' ? { address: raw.address } : {};
  return { kind: raw.kind, target: raw.target, ...address, createdAt, until, reason };
}
