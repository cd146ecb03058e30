import type { NetworkParams } from '../params/types.js';
import { DEFAULT_SCRYPT_LOG_N } from './encryption.js';
import type { WalletChain, WalletMempool } from './interfaces.js';
import type { Logger } from '../util/logger.js';

/** The wallet's settings: plain data, every default in this one place. */
export interface WalletOptions {
  /** Directory of the wallet's own LevelDB (e.g. `<datadir>/<network>/wallet`). */
  dir: string;
  params: NetworkParams;
  /** Shown as getwalletinfo's walletname. */
  name?: string;
  /** sat/vB used when the mempool's floor is lower (Core's -fallbackfee spirit). */
  defaultFeeRate?: number;
  /** Restore from this BIP39 mnemonic when `dir` holds no wallet yet (checked against it otherwise). */
  mnemonic?: string;
  /** Keys derived ahead of the last one handed out or seen paid, per branch: the gap limit. */
  keypoolSize?: number;
  /** log2 of scrypt's N for encryptwallet; lower only in tests. */
  scryptLogN?: number;
}

export interface ResolvedWalletOptions {
  dir: string;
  params: NetworkParams;
  name: string;
  defaultFeeRate: number;
  mnemonic?: string;
  keypoolSize: number;
  scryptLogN: number;
}

export const DEFAULT_WALLET_OPTIONS = Object.freeze({ name: '', defaultFeeRate: 2, keypoolSize: 20, scryptLogN: DEFAULT_SCRYPT_LOG_N });

export function resolveWalletOptions(options: WalletOptions): ResolvedWalletOptions {
  const resolved = { ...DEFAULT_WALLET_OPTIONS, ...stripUndefined(options) } as ResolvedWalletOptions;
  if (!(resolved.defaultFeeRate > 0)) throw new RangeError(`wallet defaultFeeRate must be positive, got ${resolved.defaultFeeRate}`);
  if (!Number.isInteger(resolved.keypoolSize) || resolved.keypoolSize < 1) throw new RangeError(`wallet keypoolSize must be a positive integer`);
  if (!Number.isInteger(resolved.scryptLogN) || resolved.scryptLogN < 1 || resolved.scryptLogN > 20) throw new RangeError('wallet scryptLogN must be 1..20');
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface WalletModules {
  chain: WalletChain;
  mempool: WalletMempool;
  logger?: Logger;
  /** Seconds since the epoch; injectable so tests can move the clock (unlock timeout, tx times). */
  now?: () => number;
}
