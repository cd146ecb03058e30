/**
 * What the miner needs from the rest of the node, as small structural interfaces: the chain,
 * the mempool (a template source) and the nonce searcher are injected, never imported, so the
 * miner can be tested against a real chain with a list-backed source and an in-process searcher.
 */
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';

/** One transaction the source offers for a block; the mempool's entries satisfy it structurally. */
export interface TemplateEntry {
  readonly tx: Transaction;
  /** Display-order hex txid. */
  readonly txid: string;
  /** Inputs minus outputs, base units: what the coinbase collects. */
  readonly fee: bigint;
  /** `fee` with its prioritisetransaction delta: what selection ranks by (Core's modified fee); `fee` when absent. */
  readonly modifiedFee?: bigint;
  /** BIP141 weight. */
  readonly weight: number;
  /** Txids of the parents that are themselves in the source (unconfirmed). */
  readonly parents: ReadonlySet<string> | readonly string[];
  /** Sigop cost, when the source knows it; otherwise the miner counts it (P2WPKH: 1 per input). */
  readonly sigops?: number;
}

/** The mempool, as the template builder sees it. */
export interface TemplateSource {
  entries(): Iterable<TemplateEntry>;
  /**
   * Resolves once queued updates (a block just connected) are applied, so a template for a new
   * tip does not offer txs that block already confirmed. The mempool's idle() is this.
   */
  idle?(): Promise<void>;
}

/** One nonce-search job: an 80-byte header whose nonce field (bytes 76..79) is searched. */
export interface NonceJob {
  header: Uint8Array;
  /** The hash, as a little-endian 256-bit number, must not exceed this. */
  target: bigint;
  /** First nonce tried; default 0. */
  startNonce?: number;
  /** Exclusive end of the range; default 2^32. */
  endNonce?: number;
}

export type NonceResult = { nonce: number; hash: string } | { exhausted: true } | { cancelled: true };

export interface Hashrate {
  /** Hashes per second over all threads. */
  total: number;
  perThread: number[];
}

/** The nonce search (the worker pool in production); mine() answers once per job. */
export interface NonceSearcher {
  mine(job: NonceJob): Promise<NonceResult>;
  /** Ends the running job at once: its mine() resolves { cancelled: true }. A no-op when idle. */
  cancel(): void;
  hashrate(): Hashrate;
  close(): Promise<void>;
}

/** The chain tip as the miner needs it; the chain's BlockIndexEntry satisfies it. */
export interface MinerTip {
  readonly hash: string;
  readonly height: number;
  /** The tip header's time. */
  readonly time: number;
  /** Internal byte order, as the next header's prevHash. */
  readonly hashBytes: Uint8Array;
}

export interface TipChangedEvent {
  tip: MinerTip;
}

/** The slice of the Chain the miner uses; Chain satisfies it structurally. */
export interface MinerChain {
  readonly tip: MinerTip;
  /** Bits a block on top of the tip must carry. */
  nextBits(): number;
  /** The tip's median time past. */
  medianTimePast(): number;
  /** The one entrance for blocks: ours go through it exactly like a peer's. */
  processBlock(block: Block): Promise<{ hash: string; status: string }>;
  on(event: 'tipChanged', listener: (event: TipChangedEvent) => void): unknown;
  off(event: 'tipChanged', listener: (event: TipChangedEvent) => void): unknown;
}
