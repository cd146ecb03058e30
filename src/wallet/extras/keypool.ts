/**
 * Core's keypoolrefill: derives the lookahead of both branches (and of the imported descriptors
 * handing out keys in their place) out to `newsize` keys past the
 * next one handed out. Public derivation needs no secret, but Core refuses a locked wallet, and
 * so does this (its callers expect the same answers).
 */
import { WalletError, lockedError } from '../errors.js';
import type { WalletParts } from '../parts.js';

/**
 * The most keys one call asks for per branch. Each is an EC point operation run inside the
 * wallet's queue (every send and block waits for it), derived again each time the wallet opens
 * (only the pool's extent is stored, not the keys), and kept in memory while it is open: 10,000
 * keys took 55 s on a 2-core machine at load average 34 (far less when idle). Core's default
 * pool is 1,000. Beyond this the call fails as Core's does when the pool could not be filled.
 */
export const MAX_KEYPOOL_REFILL = 10_000;

export async function keypoolRefill({ ctx, vault }: WalletParts, newsize: number | undefined): Promise<void> {
  if (newsize !== undefined && (!Number.isSafeInteger(newsize) || newsize < 0)) throw new WalletError('invalid-parameter', 'Invalid parameter, expected valid size.');
  if (vault.isLocked) throw lockedError();
  if (newsize !== undefined && newsize > MAX_KEYPOOL_REFILL) throw new WalletError('wallet-error', 'Error refreshing keypool.');
  // 0 (or nothing) asks for the default size: the lookahead, which the ring keeps derived anyway.
  if (newsize) ctx.keys.refillTo(newsize);
  else ctx.keys.refill();
  await ctx.store.batch().put('hd', ctx.keys.hd).write();
}
