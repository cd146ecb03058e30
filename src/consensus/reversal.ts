/**
 * Payment safety from the whitepaper's §11 ("Calculations"): the probability that an attacker
 * with a share q of the hash rate, mining a double-spend in secret from the moment of payment,
 * ever catches up with an honest chain that is z blocks ahead of it (the gambler's-ruin bound
 * (q/p)^z, with the attacker's progress while the merchant waited counted as a Poisson variable
 * of mean λ = z·q/p):
 *
 *   P(q, z) = 1 − Σ_{k=0..z} Poisson(k; λ) · (1 − (q/p)^(z−k))
 *
 * The whitepaper's C computes that difference directly; here the same value is summed from
 * positive terms only, so it stays exact to double precision when P is tiny:
 *
 *   P(q, z) = Σ_{k>z} Poisson(k; λ) + Σ_{k=0..z} Poisson(k; λ) · (q/p)^(z−k)
 *
 * and Poisson terms are built in log space, so λ in the thousands does not underflow e^−λ.
 *
 * z counts the blocks linked after the payment's own block ("the receiver waits until the
 * transaction has been added to a block and z blocks have been linked after it"), so a payment
 * with c confirmations has z = c − 1. Pure math: no Bitcoin formats, no state.
 */

/** A bad attacker share, block count or risk: a typed error the RPC maps to invalid-parameter. */
export class ReversalInputError extends Error {
  override readonly name = 'ReversalInputError';
  readonly code = 'bad-reversal-input';
}

/** The whitepaper's default attacker share in the examples, and ours (`--attackershare`). */
export const DEFAULT_ATTACKER_SHARE = 0.1;

/** Past this many blocks the search for a risk gives up (the share is too close to one half). */
export const MAX_BLOCKS_SEARCHED = 1_000_000;

export function checkAttackerShare(q: number): void {
  if (typeof q !== 'number' || !Number.isFinite(q) || q < 0 || q > 1) throw new ReversalInputError(`attacker share must be a number from 0 to 1, got ${String(q)}`);
}

/** The probability that an attacker with hash share `q` catches up from `z` blocks behind. */
export function catchUpProbability(q: number, z: number): number {
  checkAttackerShare(q);
  if (!Number.isSafeInteger(z) || z < 0) throw new ReversalInputError(`blocks behind must be a non-negative integer, got ${String(z)}`);
  const p = 1 - q;
  // An attacker with half the hash rate or more catches up with certainty (the paper's premise p > q).
  if (q >= p) return 1;
  // z = 0: λ = 0 and the attacker is level; the formula's sum is Poisson(0; 0)·(1 − 1) = 0.
  if (z === 0) return 1;
  if (q === 0) return 0;
  const ratio = q / p;
  const lambda = z * ratio;
  const logLambda = Math.log(lambda);
  const logRatio = Math.log(ratio);
  let logPoisson = -lambda; // log Poisson(0; λ)
  let sum = 0;
  for (let k = 0; k <= z; k++) {
    if (k > 0) logPoisson += logLambda - Math.log(k);
    sum += Math.exp(logPoisson + (z - k) * logRatio);
  }
  // The tail k > z: λ < z, so its terms only shrink; stop once they no longer change the sum.
  for (let k = z + 1; ; k++) {
    logPoisson += logLambda - Math.log(k);
    const term = Math.exp(logPoisson);
    sum += term;
    if (term <= sum * 1e-18 || term === 0) break;
  }
  return Math.min(1, sum);
}

/** The reversal probability of a payment with `confirmations` (0 or less: unconfirmed or conflicted: 1). */
export function reversalProbability(q: number, confirmations: number): number {
  checkAttackerShare(q);
  if (!Number.isFinite(confirmations) || confirmations <= 0) return 1;
  return catchUpProbability(q, Math.floor(confirmations) - 1);
}

/**
 * The smallest z with P(q, z) < risk: the whitepaper's "solving for P less than 0.1%" table.
 * P falls with z (for q < ½), so a doubling search then a bisection find it in O(z log z).
 */
export function blocksNeeded(q: number, risk: number): number {
  checkAttackerShare(q);
  if (typeof risk !== 'number' || !Number.isFinite(risk) || risk <= 0 || risk > 1) throw new ReversalInputError(`risk must be a probability above 0 and at most 1, got ${String(risk)}`);
  if (q >= 0.5) throw new ReversalInputError(`an attacker with ${q} of the hash rate catches up with certainty: no number of blocks is safe`);
  const safe = (z: number) => catchUpProbability(q, z) < risk;
  if (safe(0)) return 0;
  let high = 1;
  while (!safe(high)) {
    if (high >= MAX_BLOCKS_SEARCHED) throw new ReversalInputError(`more than ${MAX_BLOCKS_SEARCHED} blocks would be needed for risk ${risk} at attacker share ${q}`);
    high = Math.min(high * 2, MAX_BLOCKS_SEARCHED);
  }
  let low = Math.floor(high / 2); // not safe (or 0, which is not safe)
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (safe(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/** Confirmations that bring the risk under `risk`: the payment's own block plus z after it. */
export function confirmationsNeeded(q: number, risk: number): number {
  return blocksNeeded(q, risk) + 1;
}
