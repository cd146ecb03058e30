/**
 * What the p2p layer needs from the rest of the node, as small structural interfaces. The
 * chain's `Chain` and the mempool's `Mempool` satisfy them as they are, so src/p2p never imports
 * those classes (imports point downward only).
 */
import type { SegmentAnchor } from '../consensus/header-chain.js';
import type { Block } from '../primitives/block.js';
import type { BlockHeader } from '../primitives/header.js';
import type { Transaction } from '../primitives/transaction.js';

/** One block the chain knows of (its index entry). */
export interface P2PBlockEntry {
  readonly hash: string;
  readonly height: number;
  readonly chainwork: bigint;
  readonly header: BlockHeader;
  /** The body is stored (false: only the header is known so far). */
  readonly haveData: boolean;
  readonly parent: P2PBlockEntry | undefined;
  /** The block at `height` on this block's branch. */
  ancestorEntry(height: number): P2PBlockEntry | undefined;
}

/** What processBlock did with a block (chain's ProcessStatus); not the store's BlockStatus bit flags. */
export type ProcessStatus = 'connected' | 'side-chain' | 'orphan' | 'duplicate';

export interface BlockOutcome {
  hash: string;
  status: ProcessStatus;
  /** For an orphan: the block to fetch (the root of its orphan chain's missing parent). */
  missing?: string;
}

export interface TipChange {
  tip: P2PBlockEntry;
  previous: P2PBlockEntry;
}

/** The chain as the p2p layer sees it: read the tree, feed it blocks, hear when the tip moves. */
export interface P2PChain {
  readonly tip: P2PBlockEntry;
  readonly height: number;
  getEntry(hash: string): P2PBlockEntry | undefined;
  getEntryAtHeight(height: number): P2PBlockEntry | undefined;
  getBlock(hash: string): Promise<Block | undefined>;
  /** Validates and stores a block; throws RuleError when it is invalid. */
  processBlock(block: Block): Promise<BlockOutcome>;
  /** The most-work valid header known (its body may be missing); at least the tip. */
  readonly bestHeader: P2PBlockEntry;
  /** Block locator from `hash` (default: the best header). */
  locator(hash?: string): string[];
  /** Checks headers in context and stores them as header-only entries; throws RuleError. */
  processHeaders(headers: readonly BlockHeader[]): Promise<{ last: P2PBlockEntry; added: number } | undefined>;
  /** What the header rules need to check headers building on `hash`. */
  headerAnchor(hash: string): SegmentAnchor | undefined;
  /** Least work a header chain needs before it is stored. */
  antiDosWorkThreshold(): bigint;
  /** The chain's clock, seconds since the epoch. */
  time(): number;
  on(event: 'tipChanged', listener: (event: TipChange) => void): unknown;
  off(event: 'tipChanged', listener: (event: TipChange) => void): unknown;
  /** A reorg took this block off the main chain (its txs go back to the mempool). */
  on(event: 'blockDisconnected', listener: (event: BlockDisconnected) => void): unknown;
  off(event: 'blockDisconnected', listener: (event: BlockDisconnected) => void): unknown;
  /** A block joined the main chain (fired before the tipChanged it leads to). */
  on(event: 'blockConnected', listener: (event: BlockConnected) => void): unknown;
  off(event: 'blockConnected', listener: (event: BlockConnected) => void): unknown;
  /** Entries whose stored body was lost (unreadable): to be fetched again from peers. */
  lostBlocks?(): ReadonlyArray<{ readonly hash: string }>;
  /** A stored body turned out unreadable. */
  on(event: 'blockDataLost', listener: () => void): unknown;
}

export interface BlockDisconnected {
  block: Block;
}

export interface BlockConnected {
  entry: { hash: string };
  block: Block;
}

export type TxStatus = 'accepted' | 'orphan';

export interface TxAccepted {
  entry: { readonly tx: Transaction; readonly wtxid: string };
}

/** The mempool as the p2p layer sees it. */
export interface P2PMempool {
  /** Validates and adds a tx (or holds it as an orphan); throws RuleError when it is refused. */
  acceptTransaction(tx: Transaction): Promise<{ status: TxStatus }>;
  has(txid: string): boolean;
  /** Every tx in the pool, parents before children (mempool reconciliation announces and serves them). */
  entries(): Iterable<{ readonly tx: Transaction; readonly wtxid: string; /** Seconds since the epoch it entered. */ readonly time: number }>;
  on(event: 'txAccepted', listener: (event: TxAccepted) => void): unknown;
  off(event: 'txAccepted', listener: (event: TxAccepted) => void): unknown;
}
