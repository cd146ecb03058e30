/**
 * Payment safety (whitepaper §11): `getconfirmationsneeded` and the `reversal_probability` field
 * that gettransaction and listtransactions carry. The math is in consensus/reversal.ts.
 */
import { DEFAULT_ATTACKER_SHARE, ReversalInputError, confirmationsNeeded, reversalProbability } from '../../consensus/reversal.js';
import { invalidParameter } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

/** Figures as the whitepaper prints them: 7 decimals, and never rounded to a misleading 0 (kept as a float). */
function figure(p: number): number {
  return Number(p.toPrecision(7));
}

export function attackerShare(ctx: RpcContext): number {
  return ctx.attackerShare ?? DEFAULT_ATTACKER_SHARE;
}

/** Adds `reversal_probability` to a wallet row (or each of a list) that has `confirmations`. */
export function withReversal<T>(value: T, q: number): T {
  if (Array.isArray(value)) return value.map((row) => withReversal(row, q)) as T;
  if (value && typeof value === 'object' && typeof (value as { confirmations?: unknown }).confirmations === 'number') {
    const confirmations = (value as unknown as { confirmations: number }).confirmations;
    return { ...value, reversal_probability: figure(reversalProbability(q, confirmations)) };
  }
  return value;
}

function checked<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ReversalInputError) throw invalidParameter(err.message);
    throw err;
  }
}

function getConfirmationsNeeded(p: Params, ctx: RpcContext): unknown {
  const q = p.has(0) ? p.number(0) : attackerShare(ctx);
  const risk = p.has(1) ? p.number(1) : 0.001;
  const confirmations = checked(() => confirmationsNeeded(q, risk));
  return {
    confirmations,
    // The whitepaper's z: blocks linked after the payment's own block.
    blocks_after: confirmations - 1,
    reversal_probability: figure(reversalProbability(q, confirmations)),
    attacker_share: q,
    risk,
  };
}

export const safetyMethods: RpcMethod[] = [
  {
    name: 'getconfirmationsneeded',
    group: 'wallet',
    args: [optional('attacker_share'), optional('risk')],
    summary: 'Confirmations after which an attacker with attacker_share of the hash rate (default -attackershare) reverses a payment with probability under risk (default 0.001), per the whitepaper §11.',
    run: getConfirmationsNeeded,
  },
];
