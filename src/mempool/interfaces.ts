/**
 * What the mempool needs from the rest of the node, as small structural interfaces. The chain's
 * `Chain`, `SignatureCache` and verifiers satisfy them as they are, so this folder never imports
 * src/chain (imports point downward only).
 */
import type { Block } from '../primitives/block.js';
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';

/** The chain state a transaction is checked against: the tip's height and MTP and its UTXO set. */
export interface ChainView {
  readonly height: number;
  medianTimePast(): number;
  /** The unspent coin at `outpoint` in the tip's UTXO set, or undefined. */
  getCoin(outpoint: OutPoint): Promise<Coin | undefined>;
}

/** The verifier and signature cache shared with the chain (see consensus/verify-with-cache.ts). */
export type { SignatureBatchVerifier as SignatureCheckVerifier, PassedSignatures as SignatureCacheView } from '../consensus/verify-with-cache.js';

/** The chain's script execution cache: wtxids whose every input passed the consensus script rules. */
export interface PassedScripts {
  add(wtxid: string): void;
}

/** The chain events the mempool follows (the chain's typed emitter satisfies this). */
export interface ChainEventSource {
  on(event: 'blockConnected', listener: (event: { block: Block }) => void): unknown;
  on(event: 'blockDisconnected', listener: (event: { block: Block }) => void): unknown;
  on(event: 'tipChanged', listener: (event: unknown) => void): unknown;
  off(event: 'blockConnected', listener: (event: { block: Block }) => void): unknown;
  off(event: 'blockDisconnected', listener: (event: { block: Block }) => void): unknown;
  off(event: 'tipChanged', listener: (event: unknown) => void): unknown;
}
