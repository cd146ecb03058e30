/**
 * The one place that turns what the chain or mempool made of a peer's data into a gossip verdict
 * and a ban-score penalty. Gossip validators, sync and the request handlers all go through here.
 */
import { isRuleError } from '../consensus/errors.js';
import type { ProcessStatus, TxStatus } from './interfaces.js';

/** Ban-score points per kind of misbehaviour; past the threshold (100 by default) a peer is banned. */
export const PENALTY = {
  /** A block that breaks a consensus rule: whoever sent it is not a node we want. */
  invalidBlock: 100,
  /**
   * A block altered on the way (MAY_BE_MUTATED): refused without marking its hash invalid, and
   * its sender punished as Core punishes BLOCK_MUTATED. An honest node validates before it
   * forwards, so it never relays one.
   */
  mutatedBlock: 100,
  /** Headers with bad proof of work: as bad as an invalid block, and cheaper to send. */
  invalidHeaders: 100,
  /** A tx that breaks a consensus rule (it may have been valid when relayed, hence small). */
  invalidTx: 10,
  /** Bytes that do not decode, or a message over its size limit. */
  malformed: 20,
  /** A reply that breaks the protocol: headers that do not link, blocks we did not ask for. */
  protocol: 20,
  /** Each request refused for being over the per-peer rate limit (see rate-limit.ts). */
  flood: 10,
  /** A status that claimed more chainwork than the peer's headers then delivered: twice and it is banned. */
  overclaim: 50,
} as const;

export type Misbehaviour = keyof typeof PENALTY;

/** gossipsub's three answers: accept (deliver and forward), ignore (drop), reject (drop and score down). */
export type GossipAction = 'accept' | 'ignore' | 'reject';

export interface Verdict {
  action: GossipAction;
  /** Ban-score points for the peer that sent it (0 for none). */
  penalty: number;
  /** Short reason for logs: the status or the rule code. */
  reason: string;
  /** An orphan block: the hash of the missing ancestor to sync from this peer. */
  missing?: string;
  /** An unexpected exception (a bug of ours): log it loudly, never punish the peer. */
  bug?: unknown;
  /** The block may be a mutated copy of a valid one: its hash was not remembered as invalid. */
  mutated?: true;
}

export type Outcome = { ok: true; status: ProcessStatus | TxStatus; missing?: string } | { ok: false; error: unknown };

/** Runs `process` and captures its result or exception as an Outcome. */
export async function settle(process: () => Promise<{ status: ProcessStatus | TxStatus; missing?: string }>): Promise<Outcome> {
  try {
    const result = await process();
    return { ok: true, status: result.status, missing: result.missing };
  } catch (error) {
    return { ok: false, error };
  }
}

export function verdict(what: 'block' | 'tx', outcome: Outcome): Verdict {
  if (outcome.ok) return statusVerdict(outcome.status, outcome.missing);
  const err = outcome.error;
  if (!isRuleError(err)) return { action: 'ignore', penalty: 0, reason: 'internal-error', bug: err };
  if (err.action === 'ignore') return { action: 'ignore', penalty: 0, reason: err.code };
  if (err.code === 'block-decode-failed' || err.code === 'tx-decode-failed') return { action: 'reject', penalty: PENALTY.malformed, reason: err.code };
  if (what === 'block' && err.corruptionPossible) return { action: 'reject', penalty: PENALTY.mutatedBlock, reason: err.code, mutated: true };
  return { action: 'reject', penalty: what === 'block' ? PENALTY.invalidBlock : PENALTY.invalidTx, reason: err.code };
}

function statusVerdict(status: ProcessStatus | TxStatus, missing: string | undefined): Verdict {
  switch (status) {
    case 'connected':
    case 'side-chain':
    case 'accepted':
      return { action: 'accept', penalty: 0, reason: status };
    case 'orphan':
      return { action: 'ignore', penalty: 0, reason: status, missing };
    case 'duplicate':
      return { action: 'ignore', penalty: 0, reason: status };
  }
}

/** An oversized gossip message: refused before decoding, and counted as malformed. */
export function oversizedVerdict(size: number, limit: number): Verdict {
  return { action: 'reject', penalty: PENALTY.malformed, reason: `oversized (${size} > ${limit} bytes)` };
}
