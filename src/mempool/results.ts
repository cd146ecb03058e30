import type { TxRejection } from './policy-codes.js';
import type { MempoolEntry } from './entry.js';

/**
 * - `accepted`: in the pool; `resolved` lists orphans this tx's arrival let in too.
 * - `orphan`: some inputs are unknown; held until a parent (`missing`, txids) arrives.
 * Every rejection throws a TxRejection (a RuleError) with Core's reason.
 */
export type AcceptResult =
  | { status: 'accepted'; txid: string; wtxid: string; entry: MempoolEntry; resolved: string[] }
  | { status: 'orphan'; txid: string; wtxid: string; missing: string[] };

/** One row of Core's testmempoolaccept. */
export interface TestAcceptResult {
  txid: string;
  wtxid: string;
  allowed: boolean;
  vsize?: number;
  fee?: bigint;
  /** Core's reject reason; `missing-inputs` when a parent is unknown. */
  rejectReason?: string;
  error?: TxRejection;
}

/** getmempoolinfo's fields; amounts in coins (fee rates in coins per kvB) as Core reports them. */
export interface MempoolInfo {
  loaded: boolean;
  size: number;
  bytes: number;
  usage: number;
  total_fee: number;
  maxmempool: number;
  mempoolminfee: number;
  minrelaytxfee: number;
  incrementalrelayfee: number;
  unbroadcastcount: number;
  fullrbf: boolean;
}
