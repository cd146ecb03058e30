/**
 * What the wallet needs from the rest of the node, as small structural interfaces. The chain's
 * `Chain` and the mempool's `Mempool` satisfy them as they are, so this folder never imports
 * src/chain or src/mempool (imports point downward only).
 */
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';

/** A main-chain block as the wallet sees it (the chain's BlockIndexEntry has these fields). */
export interface WalletBlockEntry {
  readonly hash: string;
  readonly height: number;
  /** Header time, seconds since the epoch. */
  readonly time: number;
}

/** The chain: its main chain by height, block bodies, and the events that move it. */
export interface WalletChain {
  readonly tip: WalletBlockEntry;
  readonly height: number;
  getEntryAtHeight(height: number): WalletBlockEntry | undefined;
  getBlock(hash: string): Promise<Block | undefined>;
  /** Base of a UTXO snapshot the chain was loaded from (loadtxoutset): no block bodies up to it. */
  readonly snapshotBase?: WalletBlockEntry | undefined;
  on(event: 'blockConnected', listener: (event: { entry: WalletBlockEntry; block: Block }) => void): unknown;
  on(event: 'blockDisconnected', listener: (event: { entry: WalletBlockEntry; block: Block }) => void): unknown;
  off(event: 'blockConnected', listener: (event: { entry: WalletBlockEntry; block: Block }) => void): unknown;
  off(event: 'blockDisconnected', listener: (event: { entry: WalletBlockEntry; block: Block }) => void): unknown;
}

/** Why a tx left the pool; `block` means mined (the wallet learns that from the block itself). */
export type WalletRemovalReason = 'block' | 'conflict' | 'eviction' | 'expiry' | 'reorg' | 'replaced';

export interface WalletMempoolEntry {
  readonly tx: Transaction;
  readonly txid: string;
}

/** A pool tx's unconfirmed family, as coin selection weighs it against the package limits. */
export interface WalletPoolFamily {
  /** In-pool ancestors, itself included (Core's ancestor count). */
  readonly ancestor: { readonly count: number; readonly vsize: number };
  readonly descendant: { readonly count: number; readonly vsize: number };
}

/** The mempool: where sends go, whether a tx is in it, its fee floor, and its events. */
export interface WalletMempool {
  /** Throws the mempool's TxRejection when the tx is refused. */
  acceptTransaction(tx: Transaction): Promise<{ status: string; txid: string }>;
  has(txid: string): boolean;
  get(txid: string): (WalletMempoolEntry & WalletPoolFamily) | undefined;
  /** In-pool ancestors of `txid`, itself excluded. */
  ancestorsOf(txid: string): ReadonlyArray<WalletMempoolEntry & WalletPoolFamily>;
  /** In-pool descendants of `txid`, itself excluded. */
  descendantsOf(txid: string): ReadonlyArray<WalletMempoolEntry>;
  /** The pool's package limits and incremental relay fee (sat/kvB), for coin selection and bumpfee. */
  readonly options: { readonly ancestorLimit: number; readonly descendantLimit: number; readonly incrementalRelayFeeRate: number };
  /** The fee rate (sat/kvB) a tx needs now to enter the pool. */
  minFeeRate(): number;
  on(event: 'txAccepted', listener: (event: { entry: WalletMempoolEntry }) => void): unknown;
  on(event: 'txRemoved', listener: (event: { entry: WalletMempoolEntry; reason: WalletRemovalReason; replacedBy?: string }) => void): unknown;
  off(event: 'txAccepted', listener: (event: { entry: WalletMempoolEntry }) => void): unknown;
  off(event: 'txRemoved', listener: (event: { entry: WalletMempoolEntry; reason: WalletRemovalReason; replacedBy?: string }) => void): unknown;
}
