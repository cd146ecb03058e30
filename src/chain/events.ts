import type { Block } from '../primitives/block.js';
import type { BlockIndexEntry } from './block-index.js';

/** Everything the chain tells its followers (mempool, wallet, miner, p2p, RPC). */
export interface ChainEvents {
  /** A block became part of the main chain (in order, also during a reorg). */
  blockConnected: [{ entry: BlockIndexEntry; block: Block; /** Validating and writing it (metrics' connect-time histogram). */ connectMs?: number }];
  /** A block left the main chain (tip first, during a reorg). */
  blockDisconnected: [{ entry: BlockIndexEntry; block: Block }];
  /** The best tip moved; fired once per processBlock that changed it. */
  tipChanged: [{ tip: BlockIndexEntry; previous: BlockIndexEntry }];
  /** The main chain switched forks: `depth` blocks were disconnected and `connected` connected. */
  reorg: [{ depth: number; connected: number; fork: BlockIndexEntry; oldTip: BlockIndexEntry; newTip: BlockIndexEntry }];
  /** A block (and thereby its descendants) was found invalid while connecting. */
  blockInvalid: [{ entry: BlockIndexEntry; code: string; message: string }];
  /** A stored body could not be read: the entry lost its have-data bit and wants fetching again. */
  blockDataLost: [{ entry: BlockIndexEntry; reason: string }];
}

/** The chain's emit, lent to the parts that move the chain on its behalf (activation.ts). */
export type EmitChainEvent = <K extends keyof ChainEvents & string>(event: K, ...args: ChainEvents[K]) => void;
