import type { MempoolEntry } from './entry.js';

/** Why a transaction left the pool (Core's MemPoolRemovalReason). */
export type RemovalReason = 'block' | 'conflict' | 'eviction' | 'expiry' | 'reorg' | 'replaced';

/** Everything the mempool tells its followers (p2p relay, wallet, miner, RPC). */
export interface MempoolEvents {
  /** A transaction entered the pool (also a disconnected block's tx put back after a reorg). */
  txAccepted: [{ entry: MempoolEntry }];
  /** A transaction left the pool; `block` means it was mined, the others that it was dropped. */
  txRemoved: [{ entry: MempoolEntry; reason: RemovalReason; replacedBy?: string }];
  /** acceptTransaction refused a transaction; `code` is the rule's reject code (metrics count them). */
  txRejected: [{ txid: string; code: string }];
}

/** The mempool's emit, lent to the parts that change the pool on its behalf (eviction.ts, block-updates.ts). */
export type EmitMempoolEvent = <K extends keyof MempoolEvents & string>(event: K, ...args: MempoolEvents[K]) => void;
