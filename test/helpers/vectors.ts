import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The real Bitcoin data in ../shared/vectors (CI clones the repo with shared/ beside it). */
export const VECTORS_DIR = process.env.POWCOIN_VECTORS ?? resolve(repoRoot, '../shared/vectors');

if (!existsSync(join(VECTORS_DIR, 'vectors.json'))) {
  throw new Error(`test vectors not found at ${VECTORS_DIR}: clone the repo with shared/ beside it or set POWCOIN_VECTORS`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const vectors: Json = JSON.parse(readFileSync(join(VECTORS_DIR, 'vectors.json'), 'utf8'));

export function vectorFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(VECTORS_DIR, name)));
}

export function vectorJson(name: string): Json {
  return JSON.parse(readFileSync(join(VECTORS_DIR, name), 'utf8'));
}
