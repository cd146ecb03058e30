/**
 * The meta record binds a data dir to one network and one schema version: a fresh database
 * gets it written, an existing one must match before anything else is read.
 */
import type { NetworkParams } from '../params/types.js';
import { hashToHex, hexToHash } from '../primitives/index.js';
import type { Db } from './database.js';
import { StoreError } from './errors.js';
import { decodeMeta, decodeSchemaVersion, encodeMeta, META_KEY, SCHEMA_VERSION, type StoreMeta } from './layout.js';

export async function loadOrInitMeta(db: Db, dir: string, params: NetworkParams): Promise<StoreMeta> {
  const expected: StoreMeta = {
    schemaVersion: SCHEMA_VERSION,
    genesisHash: hexToHash(params.genesisHash),
    network: params.name,
  };
  const value = await db.get(META_KEY);
  if (value === undefined) {
    await initMeta(db, dir, expected);
    return expected;
  }
  checkSchema(dir, decodeSchemaVersion(META_KEY, value));
  const stored = decodeMeta(META_KEY, value);
  checkNetwork(dir, stored, expected);
  return stored;
}

async function initMeta(db: Db, dir: string, meta: StoreMeta): Promise<void> {
  const anyKey = await db.keys({ limit: 1 }).all();
  if (anyKey.length > 0) {
    // Someone else's LevelDB: adopting it would mix their records with ours.
    throw new StoreError('corrupt', `${dir} holds a LevelDB database without a powcoin meta record; not a powcoin chain store`);
  }
  await db.put(META_KEY, encodeMeta(meta), { sync: true });
}

function checkSchema(dir: string, version: number): void {
  if (version === SCHEMA_VERSION) return;
  const advice = version > SCHEMA_VERSION ? 'upgrade powcoin' : 'move it aside and resync';
  throw new StoreError(
    'wrong-schema',
    `chain store ${dir} has schema version ${version}, this powcoin uses version ${SCHEMA_VERSION}: ${advice}`,
  );
}

function checkNetwork(dir: string, stored: StoreMeta, expected: StoreMeta): void {
  const sameGenesis = hashToHex(stored.genesisHash) === hashToHex(expected.genesisHash);
  if (sameGenesis && stored.network === expected.network) return;
  throw new StoreError(
    'wrong-network',
    `chain store ${dir} belongs to network '${stored.network}' (genesis ${hashToHex(stored.genesisHash)}), ` +
      `not '${expected.network}' (genesis ${hashToHex(expected.genesisHash)})`,
  );
}
