/**
 * Banned peers, by peer id, until a time; kept in `<dataDir>/p2p-bans.json` so a restart does not
 * forgive them. The connection gater asks `isBanned` before dialling and after the handshake.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BAN_FILE = 'p2p-bans.json';

export interface BanEntry {
  peerId: string;
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
    const entry = this.bans.get(peerId);
    if (!entry) return false;
    if (entry.until > this.now()) return true;
    this.bans.delete(peerId);
    this.persist();
    return false;
  }

  ban(peerId: string, seconds: number, reason: string): BanEntry {
    const createdAt = this.now();
    const entry = { peerId, createdAt, until: createdAt + seconds * 1000, reason };
    this.bans.set(peerId, entry);
    this.persist();
    return entry;
  }

  unban(peerId: string): boolean {
    const removed = this.bans.delete(peerId);
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

  private async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return;
    }
    try {
      const entries = JSON.parse(text) as BanEntry[];
      for (const entry of entries) if (isBanEntry(entry) && entry.until > this.now()) this.bans.set(entry.peerId, entry);
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

function isBanEntry(value: unknown): value is BanEntry {
  const entry = value as BanEntry;
  return typeof entry?.peerId === 'string' && typeof entry.until === 'number' && typeof entry.createdAt === 'number' && typeof entry.reason === 'string';
}
