/**
 * Anchors (Core's anchors.dat): the block-relay-only peers we had at shutdown, saved to
 * `<dataDir>/anchors.json` and dialled first on the next start, so a restarted node cannot be
 * eclipsed by whoever fills its address book meanwhile. The file is removed once read, as
 * Core does, so a node that crashes during start does not keep dialling stale anchors.
 */
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const ANCHORS_FILE = 'anchors.json';
/** Core's MAX_BLOCK_RELAY_ONLY_ANCHORS. */
export const MAX_ANCHORS = 2;

/** Reads and deletes the anchors file; multiaddrs with /p2p/<id>. Missing or damaged: none. */
export async function takeAnchors(dataDir: string | undefined): Promise<string[]> {
  if (dataDir === undefined) return [];
  const file = join(dataDir, ANCHORS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  await unlink(file).catch(() => undefined);
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((a): a is string => typeof a === 'string' && a.startsWith('/') && a.includes('/p2p/')).slice(0, MAX_ANCHORS);
  } catch {
    return [];
  }
}

/** Writes the anchors atomically (temp + rename, 0600). */
export async function saveAnchors(dataDir: string | undefined, anchors: readonly string[]): Promise<void> {
  if (dataDir === undefined) return;
  const file = join(dataDir, ANCHORS_FILE);
  await mkdir(dataDir, { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(anchors.slice(0, MAX_ANCHORS), null, 2), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
