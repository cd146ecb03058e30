/**
 * The node's libp2p identity: an Ed25519 key kept in `<dataDir>/p2p.key` (libp2p's protobuf
 * encoding, mode 0600), so the peer id, and the addresses others saved for us, survive restarts.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';

export const KEY_FILE = 'p2p.key';

/** Reads the key from `dataDir`, or creates and stores one; without a dataDir, a fresh key each run. */
export async function loadIdentity(dataDir: string | undefined): Promise<PrivateKey> {
  if (dataDir === undefined) return generateKeyPair('Ed25519');
  const file = join(dataDir, KEY_FILE);
  const existing = await readKey(file);
  if (existing) return existing;
  const key = await generateKeyPair('Ed25519');
  await mkdir(dataDir, { recursive: true });
  // 'wx': never overwrite a key another process wrote meanwhile; read theirs instead.
  try {
    await writeFile(file, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readKey(file))!;
    throw err;
  }
  await chmod(file, 0o600);
  return key;
}

async function readKey(file: string): Promise<PrivateKey | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return privateKeyFromProtobuf(bytes);
  } catch (err) {
    throw new Error(`${file} does not hold a libp2p private key; move it away to create a new identity`, { cause: err });
  }
}
