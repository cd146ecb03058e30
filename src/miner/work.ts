/**
 * The two ends of the mining loop (miner.ts), passed in as objects: where templates come from
 * (the local block assembler, or a node's getblocktemplate with BIP22 long polling) and where
 * solutions go (chain.processBlock, or submitblock). Everything between them is the one loop.
 */
import type { Block } from '../primitives/block.js';
import type { BlockTemplate } from './template.js';

/** Where templates come from. The loop owns the extranonce; the source puts the one given in the coinbase. */
export interface WorkSource {
  /** A fresh template on the source's current tip. */
  template(extraNonce: bigint): Promise<BlockTemplate>;
  /**
   * Resolves when `template` goes stale: with the template to mine instead (a better one on the
   * same tip, or a long poll's fresh answer), or undefined when a new template() is needed (the
   * tip moved). After `signal` aborts its answer is ignored. Rejects when the source fails.
   */
  stale(template: BlockTemplate, signal: AbortSignal): Promise<BlockTemplate | undefined>;
  /** False once the tip has moved past the template's parent: a solution for it is dropped unsent. */
  extendsTip(template: BlockTemplate): boolean;
}

/** What the sink said of a solved block; `accepted` ones count as blocks found. */
export type SubmitOutcome = { accepted: boolean; status: string } | { rejected: true; code: string; message: string };

/** Where solved blocks go. */
export interface SolutionSink {
  submit(block: Block): Promise<SubmitOutcome>;
}
