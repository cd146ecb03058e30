/**
 * Core's keypoolrefill: derives the lookahead of both branches out to `newsize` keys past the
 * next one handed out. Public derivation needs no secret, but Core refuses a locked wallet, and
 * so does this (its callers expect the same answers).
 */
import { WalletError, lockedError } from '../errors.js';
import type { WalletParts } from './parts.js';

/**
 * The most keys one call derives per branch. Each is an EC multiplication run inside the wallet's
 * queue (every send and block waits for it) and a few hundred bytes of memory for as long as the
 * wallet is open; Core's own default is 1,000. Beyond this the call fails as Core's does when the
 * pool could not be filled.
 */
export const MAX_KEYPOOL_REFILL = 100_000;

export async function keypoolRefill({ ctx, vault }: WalletParts, newsize: number | undefined): Promise<void> {
  if (newsize !== undefined && (!Number.isSafeInteger(newsize) || newsize < 0)) throw new WalletError('invalid-parameter', 'Invalid parameter, expected valid size.');
  if (vault.isLocked) throw lockedError();
  if (newsize !== undefined && newsize > MAX_KEYPOOL_REFILL) throw new WalletError('wallet-error', 'Error refreshing keypool.');
  // 0 (or nothing) asks for the default size: the lookahead, which the ring keeps derived anyway.
  if (newsize) ctx.keys.refillTo(newsize);
  else ctx.keys.refill();
  await ctx.store.batch().put('hd', ctx.keys.hd).write();
}
