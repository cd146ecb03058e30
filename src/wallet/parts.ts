/**
 * What the wallet's operations kept in their own files (the send path, PSBT signing, the
 * extras/ features) work with: Wallet.withParts hands them these inside the wallet's queue.
 */
import type { WalletMempool } from './interfaces.js';
import type { WalletKey } from './keys.js';
import type { SyncContext } from './sync.js';
import type { Vault } from './vault.js';

export interface WalletParts {
  ctx: SyncContext;
  vault: Vault;
  /** Master key fingerprint, 8 hex digits. */
  fingerprint: string;
  mempool: WalletMempool;
  name: string;
  /** Keys derived past the last one handed out (the keypool size). */
  lookahead: number;
  /** sat/kvB: the caller's sat/vB, else the wallet's default (at least the mempool's floor). */
  feeRate(satPerVbyte?: number): bigint;
  /** Throws `locked` while the wallet is locked. */
  privateKey(key: WalletKey): Uint8Array;
}
