/**
 * The wallet's own LevelDB (utf8 keys, JSON values). Layout, one record per line:
 *
 *   meta                  { version, network }               checked on open
 *   secret                SecretRecord                       mnemonic + imported keys; plain, or sealed after encryptwallet
 *   account               { xpub, fingerprint, path }        the BIP84 account's public key (addresses while locked)
 *   hd                    HdState                            keys handed out / seen paid (and keypoolrefill's range end), per branch
 *   sync                  { height, hash, birthHeight }      the last main-chain block the wallet has processed
 *   block/<height:10>     hash                               main-chain hashes processed, from birthHeight: walking back after a reorg
 *   tx/<txid>             TxRecord                           every tx touching our scripts, with its block or state
 *   label/<address>       string                             getnewaddress labels
 *   imported/<hash160>    { publicKey, label? }              public halves of imported keys (private halves are in `secret`)
 *   flag/avoid_reuse      true                               setwalletflag avoid_reuse (absent: off)
 *   masterxpub            string                             the seed's root xpub (gethdkeys), kept once known so it shows while locked
 *   descriptor/<id>       DescriptorRecord                   importdescriptors: public form and settings (private form in `secret`)
 *
 * Coins are not stored: they are derived from the tx records on open (see coins.ts), so a coin
 * and the tx that made or spent it can never disagree. Every event is one batch.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { Level } from 'level';
import type { NetworkParams } from '../params/types.js';
import { WalletError } from './errors.js';
import type { HdState } from './keys.js';
import type { SecretRecord } from './vault.js';

export const WALLET_SCHEMA_VERSION = 1;

export type TxState = 'confirmed' | 'unconfirmed' | 'conflicted' | 'abandoned';

export interface TxRecord {
  hex: string;
  state: TxState;
  blockHash?: string;
  height?: number;
  blockTime?: number;
  /** Position in its block. */
  blockIndex?: number;
  /** When the wallet first saw it, seconds. */
  timeReceived: number;
  /** Core's "time": the block's time when first seen in a block, else timeReceived. */
  time: number;
  /** Position in the wallet's history (Core's nOrderPos): listtransactions sorts by it. */
  order: number;
  comment?: string;
  /** The block holding a rival spend of one of its inputs (state `conflicted`). */
  conflictedBy?: string;
  conflictHeight?: number;
  /** bumpfee: the tx that replaced this one (Core's mapValue replaced_by_txid). */
  replacedBy?: string;
  /** bumpfee: the tx this one replaced (Core's mapValue replaces_txid). */
  replaces?: string;
}

export interface AccountRecord {
  xpub: string;
  fingerprint: string;
  path: string;
}

export interface SyncRecord {
  height: number;
  hash: string;
  birthHeight: number;
}

export interface ImportedRecord {
  publicKey: string;
  label?: string;
}

/**
 * A descriptor importdescriptors or createwalletdescriptor added; `id` is the sha256 of `desc`.
 * How far it has been handed out and derived is in `hd.descriptors`, which changes with every key.
 */
export interface DescriptorRecord {
  /** Core's normalised public form with checksum: it derives every key without a secret. */
  desc: string;
  timestamp: number;
  /** The range asked for at import, inclusive ([0, 0] for a single key). */
  range: [number, number];
  active: boolean;
  internal: boolean;
  label?: string;
  /** The extended public keys as written (gethdkeys groups descriptors by them). */
  hdkeys: string[];
}

export interface LoadedWallet {
  secret: SecretRecord;
  account: AccountRecord;
  hd: HdState;
  sync: SyncRecord;
  txs: Map<string, TxRecord>;
  labels: Map<string, string>;
  imported: Map<string, ImportedRecord>;
  descriptors: Map<string, DescriptorRecord>;
}

type Db = Level<string, unknown>;
type Op = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

export function blockKey(height: number): string {
  return `block/${String(height).padStart(10, '0')}`;
}

/** Collects one event's writes; `write` commits them atomically. */
export class WalletBatch {
  private readonly ops: Op[] = [];

  constructor(private readonly db: Db) {}

  put(key: string, value: unknown): this {
    this.ops.push({ type: 'put', key, value });
    return this;
  }

  del(key: string): this {
    this.ops.push({ type: 'del', key });
    return this;
  }

  putTx(txid: string, record: TxRecord): this {
    return this.put(`tx/${txid}`, record);
  }

  putSync(sync: SyncRecord): this {
    return this.put('sync', sync);
  }

  get size(): number {
    return this.ops.length;
  }

  async write(): Promise<void> {
    if (this.ops.length > 0) await this.db.batch(this.ops);
  }
}

export class WalletStore {
  private constructor(
    private readonly db: Db,
    readonly dir: string,
  ) {}

  /** Opens (creating if missing) the database; refuses a wallet of another network. */
  static async open(dir: string, params: NetworkParams): Promise<WalletStore> {
    await finishRewrite(dir);
    const db = await openDb(dir);
    const store = new WalletStore(db, dir);
    const meta = (await db.get('meta')) as { version: number; network: string } | undefined;
    if (meta && meta.network !== params.name) {
      await db.close();
      throw new WalletError('wallet-error', `wallet ${dir} belongs to network ${meta.network}, not ${params.name}`);
    }
    if (!meta) await db.put('meta', { version: WALLET_SCHEMA_VERSION, network: params.name });
    return store;
  }

  batch(): WalletBatch {
    return new WalletBatch(this.db);
  }

  /** Undefined for a new, empty database. */
  async load(): Promise<LoadedWallet | undefined> {
    const [secret, account, hd, sync] = (await this.db.getMany(['secret', 'account', 'hd', 'sync'])) as [SecretRecord?, AccountRecord?, HdState?, SyncRecord?];
    if (!secret || !account || !hd || !sync) return undefined;
    return {
      secret,
      account,
      hd,
      sync,
      txs: await this.prefix<TxRecord>('tx/'),
      labels: await this.prefix<string>('label/'),
      imported: await this.prefix<ImportedRecord>('imported/'),
      descriptors: await this.prefix<DescriptorRecord>('descriptor/'),
    };
  }

  /** One record (undefined when absent). */
  async get<T>(key: string): Promise<T | undefined> {
    return (await this.db.get(key)) as T | undefined;
  }

  async blockHash(height: number): Promise<string | undefined> {
    return (await this.db.get(blockKey(height))) as string | undefined;
  }

  /** Every record, from one snapshot (an iterator reads a consistent view). */
  async records(): Promise<Array<[string, unknown]>> {
    const out: Array<[string, unknown]> = [];
    for await (const [key, value] of this.db.iterator()) out.push([key, value]);
    return out;
  }

  /**
   * Copies every record, with `replace` applied, into a fresh database that then takes this
   * one's place, as Core rewrites its wallet file after encryptwallet: LevelDB keeps overwritten
   * values in its log and tables, so a secret overwritten in place would survive on disk. The
   * new records are never written into this database, so a crash at any moment leaves either
   * the old wallet whole (the change not made, to be redone) or the new one whole, never a
   * wallet that says it is encrypted with its plaintext seed still in its files:
   *
   *   1. write `<dir>.new` and close it     a crash here: `.new` is incomplete and is dropped
   *   2. rename `.new` to `.sealed`         from here on the new wallet is the wallet
   *   3. rename `<dir>` to `<dir>.old`, `.sealed` to `<dir>`, delete `.old` (finishRewrite redoes these)
   *
   * Returns the reopened store; this one is closed.
   */
  async rewrite(params: NetworkParams, replace: Readonly<Record<string, unknown>> = {}): Promise<WalletStore> {
    const records = (await this.records()).filter(([key]) => !(key in replace));
    records.push(...Object.entries(replace));
    await this.db.close();
    const fresh = `${this.dir}.new`;
    await rm(fresh, { recursive: true, force: true });
    const db = await openDb(fresh);
    await db.batch(records.map(([key, value]) => ({ type: 'put' as const, key, value })), { sync: true });
    await db.close();
    await rename(fresh, `${this.dir}.sealed`);
    await finishRewrite(this.dir);
    return WalletStore.open(this.dir, params);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async prefix<T>(prefix: string): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    for await (const [key, value] of this.db.iterator({ gte: prefix, lt: `${prefix}\uffff` })) out.set(key.slice(prefix.length), value as T);
    return out;
  }
}

async function openDb(dir: string): Promise<Db> {
  // The wallet holds its seed: its folder is private whatever the umask (LevelDB would make it 0755).
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const db: Db = new Level<string, unknown>(dir, { keyEncoding: 'utf8', valueEncoding: 'json', createIfMissing: true });
  try {
    await db.open();
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    const why = code === 'LEVEL_LOCKED' ? 'is in use by another process' : `cannot be opened: ${(err as Error).message}`;
    throw new WalletError('wallet-error', `wallet database ${dir} ${why}`);
  }
  return db;
}

/**
 * Completes a rewrite a crash interrupted (see WalletStore.rewrite): a `.sealed` copy is complete
 * and replaces the wallet; a `.new` one is not and goes; the `.old` copy may hold a plaintext
 * seed, so it goes once the wallet is in place.
 */
async function finishRewrite(dir: string): Promise<void> {
  const fresh = `${dir}.new`;
  const sealed = `${dir}.sealed`;
  const old = `${dir}.old`;
  await rm(fresh, { recursive: true, force: true });
  if (existsSync(sealed)) {
    if (existsSync(dir)) {
      await rm(old, { recursive: true, force: true });
      await rename(dir, old);
    }
    await rename(sealed, dir);
  }
  // An `.old` with no wallet beside it is from before `.sealed` existed (an older version's rewrite): it is the wallet.
  if (!existsSync(dir) && existsSync(old)) await rename(old, dir);
  await rm(old, { recursive: true, force: true });
}
