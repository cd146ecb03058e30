/**
 * The set of loaded wallets, as Core's multiwallet: each wallet is its own LevelDB folder, found
 * by name. The default wallet (name "") lives in `<networkDir>/wallet`, as before several wallets
 * existed; a named one in `<networkDir>/wallets/<name>`. Loading, creating and unloading go
 * through one queue, so two calls for the same name never open the database twice.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WalletError } from './errors.js';
import { checkMnemonic } from './hd.js';
import type { WalletModules, WalletOptions } from './options.js';
import { Wallet } from './wallet.js';

/** Core's RPC numbers for multiwallet errors (src/rpc/protocol.h). */
export const WALLET_NOT_FOUND = -18;
export const WALLET_NOT_SPECIFIED = -19;
export const WALLET_ALREADY_LOADED = -35;
export const WALLET_ALREADY_EXISTS = -36;

/** A multiwallet error: WalletError's code string with Core's own number. */
export class WalletRegistryError extends WalletError {
  override readonly rpcCode: number;

  constructor(rpcCode: number, message: string) {
    super('wallet-error', message);
    this.rpcCode = rpcCode;
  }
}

export interface WalletRegistryOptions {
  /** `<datadir>/<network>`. */
  networkDir: string;
  /** Settings every wallet shares (fee rate, keypool, scrypt cost); `dir`, `name` and `mnemonic` are per wallet. */
  walletDefaults: Omit<WalletOptions, 'dir' | 'name' | 'mnemonic'>;
}

export interface CreateWalletOptions {
  /** Restore from these BIP39 words; a fresh 24-word mnemonic otherwise. */
  mnemonic?: string;
  /** Encrypt right after creating (Core's createwallet passphrase). */
  passphrase?: string;
}

export interface CreatedWallet {
  wallet: Wallet;
  /** The words of a newly made seed, to show once; undefined when restored from given words. */
  mnemonic?: string;
}

/** Wallet names: one path segment, no traversal (Core allows paths; we keep to one folder). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class WalletRegistry {
  private readonly loaded = new Map<string, Wallet>();
  private readonly listeners: Array<(event: 'loaded' | 'unloaded', name: string, wallet: Wallet) => void> = [];
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: WalletRegistryOptions,
    private readonly modules: WalletModules,
  ) {}

  /** Where wallet `name` lives; throws for a name that is not one folder name. */
  dirOf(name: string): string {
    if (name === '') return join(this.options.networkDir, 'wallet');
    if (!NAME.test(name)) throw new WalletError('invalid-parameter', `Invalid wallet name "${name}": use up to 64 letters, digits, '.', '_' or '-'`);
    return join(this.options.networkDir, 'wallets', name);
  }

  /** Called after a wallet is loaded or before it is unloaded (the node starts and stops its rebroadcast). */
  onChange(listener: (event: 'loaded' | 'unloaded', name: string, wallet: Wallet) => void): void {
    this.listeners.push(listener);
  }

  /** Core's listwallets: names of the loaded wallets, in load order. */
  names(): string[] {
    return [...this.loaded.keys()];
  }

  get(name: string): Wallet | undefined {
    return this.loaded.get(name);
  }

  /**
   * The wallet a call addresses: the named one, or the only one loaded when none is named.
   * Core's answers: -18 when the name is not loaded (or none is), -19 when several are and none is named.
   */
  resolve(name: string | undefined): Wallet {
    if (name !== undefined) {
      const wallet = this.loaded.get(name);
      if (!wallet) throw new WalletRegistryError(WALLET_NOT_FOUND, 'Requested wallet does not exist or is not loaded');
      return wallet;
    }
    if (this.loaded.size === 1) return this.loaded.values().next().value!;
    if (this.loaded.size === 0) throw new WalletRegistryError(WALLET_NOT_FOUND, 'No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet.');
    throw new WalletRegistryError(WALLET_NOT_SPECIFIED, 'Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).');
  }

  /** Core's listwalletdir: every wallet folder on disk, loaded or not. */
  onDisk(): string[] {
    const names: string[] = [];
    if (existsSync(join(this.dirOf(''), 'CURRENT'))) names.push('');
    const folder = join(this.options.networkDir, 'wallets');
    if (existsSync(folder)) {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (entry.isDirectory() && NAME.test(entry.name) && existsSync(join(folder, entry.name, 'CURRENT'))) names.push(entry.name);
      }
    }
    return names;
  }

  /** Opens the default wallet, creating it when missing (the node's start, as before several wallets). */
  openDefault(): Promise<Wallet> {
    return this.serial(async () => this.loaded.get('') ?? this.open(''));
  }

  /** Core's loadwallet: -18 when there is no such wallet, -35 when it is loaded already. */
  load(name: string): Promise<Wallet> {
    return this.serial(async () => {
      const dir = this.dirOf(name);
      if (this.loaded.has(name)) throw new WalletRegistryError(WALLET_ALREADY_LOADED, `Wallet file verification failed. Wallet "${name}" is already loaded.`);
      if (!existsSync(join(dir, 'CURRENT'))) throw new WalletRegistryError(WALLET_NOT_FOUND, `Wallet file verification failed. Failed to load database path '${dir}'. Path does not exist.`);
      return this.open(name);
    });
  }

  /** Core's createwallet: -36 when the folder exists already; a new seed's words are returned to show once. */
  create(name: string, options: CreateWalletOptions = {}): Promise<CreatedWallet> {
    return this.serial(async () => {
      const dir = this.dirOf(name);
      if (this.loaded.has(name) || existsSync(dir)) {
        throw new WalletRegistryError(WALLET_ALREADY_EXISTS, `Wallet file verification failed. Failed to create database path '${dir}'. Database already exists.`);
      }
      const restored = options.mnemonic !== undefined ? checkMnemonic(options.mnemonic) : undefined;
      if (options.passphrase !== undefined && options.passphrase.length === 0) throw new WalletError('invalid-parameter', 'passphrase cannot be empty');
      await mkdir(join(this.options.networkDir, 'wallets'), { recursive: true, mode: 0o700 });
      // A restored wallet scans the chain from genesis; a new one starts at the tip (see create.ts).
      const wallet = await this.open(name, restored);
      const mnemonic = restored === undefined ? wallet.getMnemonic() : undefined;
      if (options.passphrase !== undefined) await wallet.encrypt(options.passphrase);
      return { wallet, mnemonic };
    });
  }

  /**
   * Core's restorewallet: a backupwallet file becomes the wallet `name`, loaded (-36 when that
   * wallet exists, -8 when the file does not). On failure the half-made folder is removed, as Core.
   */
  restore(name: string, backupPath: string): Promise<Wallet> {
    return this.serial(async () => {
      const dir = this.dirOf(name);
      if (this.loaded.has(name) || existsSync(dir)) {
        throw new WalletRegistryError(WALLET_ALREADY_EXISTS, `Failed to create database path '${dir}'. Database already exists.`);
      }
      if (!existsSync(backupPath)) throw new WalletError('invalid-parameter', `Backup file does not exist`);
      await mkdir(join(this.options.networkDir, 'wallets'), { recursive: true, mode: 0o700 });
      let wallet: Wallet;
      try {
        wallet = await Wallet.restoreBackup(backupPath, { ...this.options.walletDefaults, dir, name }, this.modules);
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      this.loaded.set(name, wallet);
      for (const listener of this.listeners) listener('loaded', name, wallet);
      return wallet;
    });
  }

  /** Core's unloadwallet: the wallet is closed (its queue drained) and forgotten. */
  unload(name: string): Promise<void> {
    return this.serial(async () => {
      const wallet = this.loaded.get(name);
      if (!wallet) throw new WalletRegistryError(WALLET_NOT_FOUND, 'Requested wallet does not exist or is not loaded');
      for (const listener of this.listeners) listener('unloaded', name, wallet);
      this.loaded.delete(name);
      await wallet.close();
    });
  }

  /** Closes every loaded wallet (node shutdown). */
  closeAll(): Promise<void> {
    return this.serial(async () => {
      for (const [name, wallet] of [...this.loaded].reverse()) {
        for (const listener of this.listeners) listener('unloaded', name, wallet);
        this.loaded.delete(name);
        await wallet.close();
      }
    });
  }

  private async open(name: string, mnemonic?: string): Promise<Wallet> {
    const wallet = await Wallet.open({ ...this.options.walletDefaults, dir: this.dirOf(name), name, mnemonic }, this.modules);
    this.loaded.set(name, wallet);
    for (const listener of this.listeners) listener('loaded', name, wallet);
    return wallet;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
