/** Result shapes of the wallet's calls, as Bitcoin Core's RPC results; amounts in bigint base units. */
import type { Transaction } from '../primitives/transaction.js';

export interface SendOptions {
  /** sat/vB; default: the larger of the wallet's default and the mempool's floor. */
  feeRate?: number;
  subtractFeeFromOutputs?: number[];
  comment?: string;
  /** Signal BIP125 (default true, Core's -walletrbf). */
  replaceable?: boolean;
}

/** Core's bumpfee result; psbtbumpfee answers `psbt` instead of `txid`. */
export interface BumpFeeResult {
  txid: string;
  origfee: bigint;
  fee: bigint;
  errors: string[];
}

export interface SendResult {
  txid: string;
  tx: Transaction;
  fee: bigint;
}

/** One row of Core's listunspent; amounts in base units. */
export interface UnspentEntry {
  txid: string;
  vout: number;
  address: string;
  label?: string;
  scriptPubKey: string;
  amount: bigint;
  confirmations: number;
  spendable: true;
  solvable: true;
  /** Only with avoid_reuse: the output's script was spent from before. */
  reused?: boolean;
  desc: string;
  safe: boolean;
}

export interface WalletInfo {
  walletname: string;
  walletversion: number;
  format: 'leveldb';
  balance: bigint;
  unconfirmed_balance: bigint;
  immature_balance: bigint;
  txcount: number;
  keypoolsize: number;
  keypoolsize_hd_internal: number;
  unlocked_until?: number;
  paytxfee: bigint;
  private_keys_enabled: true;
  avoid_reuse: boolean;
  /** false, or how long (seconds) and how far (0..1) the running rescan has gone. */
  scanning: false | { duration: number; progress: number };
  descriptors: true;
  lastprocessedblock: { hash: string; height: number };
}
