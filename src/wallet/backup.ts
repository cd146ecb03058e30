/**
 * backupwallet: every record of the wallet's database, from one snapshot, as a JSON file written
 * atomically (temp file, then rename) and readable only by its owner. The seed inside is sealed
 * if the wallet is encrypted, in the clear otherwise, as in the database itself.
 * Restoring writes the records into a new database; opening it then catches up with the chain
 * from the block the backup was taken at.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { NetworkParams } from '../params/types.js';
import { WalletError } from './errors.js';
import type { WalletStore } from './store.js';

const FORMAT = 'powcoin-wallet-backup';
const VERSION = 1;

export interface WalletBackup {
  format: typeof FORMAT;
  version: number;
  network: string;
  records: Array<[string, unknown]>;
}

export async function writeBackup(store: WalletStore, path: string, params: NetworkParams): Promise<void> {
  const backup: WalletBackup = { format: FORMAT, version: VERSION, network: params.name, records: await store.records() };
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, JSON.stringify(backup), { mode: 0o600 });
  await rename(temp, path);
}

export async function readBackup(path: string, params: NetworkParams): Promise<WalletBackup> {
  let backup: WalletBackup;
  try {
    backup = JSON.parse(await readFile(path, 'utf8')) as WalletBackup;
  } catch (err) {
    throw new WalletError('wallet-error', `cannot read wallet backup ${path}: ${(err as Error).message}`);
  }
  if (backup.format !== FORMAT || backup.version !== VERSION || !Array.isArray(backup.records)) {
    throw new WalletError('wallet-error', `${path} is not a powcoin wallet backup`);
  }
  if (backup.network !== params.name) throw new WalletError('wallet-error', `backup ${path} is for network ${backup.network}, not ${params.name}`);
  return backup;
}

/** Writes a backup's records into an empty wallet database. */
export async function restoreRecords(store: WalletStore, backup: WalletBackup): Promise<void> {
  if (await store.load()) throw new WalletError('wallet-error', `a wallet already exists in ${store.dir}; restore into a new directory`);
  const batch = store.batch();
  for (const [key, value] of backup.records) batch.put(key, value);
  await batch.write();
}
