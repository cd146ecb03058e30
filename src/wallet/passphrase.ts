/**
 * Core's encryptwallet, walletpassphrasechange, walletpassphrase and walletlock over the vault.
 * Encrypting keeps the seed: the addresses already handed out and the words written down keep
 * restoring every coin. The sealed secrets go into a fresh database that replaces the old one
 * (WalletStore.rewrite), so no plaintext remnant survives, a crash included.
 */
import { WalletError } from './errors.js';
import type { WalletParts } from './parts.js';

export async function encryptWallet({ ctx, vault, name }: WalletParts, passphrase: string, scryptLogN: number): Promise<void> {
  const record = await vault.encrypt(passphrase, scryptLogN);
  ctx.store = await ctx.store.rewrite(ctx.params, { secret: record });
  vault.adopt(record);
  ctx.logger.info({ wallet: name }, 'wallet encrypted; it is locked now');
}

/** Rewritten like encryptWallet, so the box under the old passphrase leaves the files too. The wallet is locked afterwards. */
export async function changePassphrase({ ctx, vault, name }: WalletParts, oldPassphrase: string, newPassphrase: string, scryptLogN: number): Promise<void> {
  const record = await vault.changePassphrase(oldPassphrase, newPassphrase, scryptLogN);
  ctx.store = await ctx.store.rewrite(ctx.params, { secret: record });
  vault.adopt(record);
  ctx.logger.info({ wallet: name }, 'wallet passphrase changed');
}

export async function unlockWallet({ ctx, vault, name }: WalletParts, passphrase: string, timeoutSeconds: number): Promise<void> {
  await vault.unlock(passphrase, timeoutSeconds);
  ctx.logger.info({ wallet: name, timeoutSeconds }, 'wallet unlocked');
}

export function lockWallet({ ctx, vault, name }: WalletParts): void {
  if (!vault.isEncrypted) throw new WalletError('wrong-enc-state', 'Error: running with an unencrypted wallet, but walletlock was called.');
  vault.lock();
  ctx.logger.info({ wallet: name }, 'wallet locked');
}
