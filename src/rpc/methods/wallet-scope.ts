/**
 * Which wallet a request addresses. With several wallets (`ctx.wallets`), each request gets a
 * context whose `wallet` is the one its /wallet/<name> endpoint names, or the only one loaded:
 * resolved when a method first reads it, so methods that use no wallet never fail for it, and
 * every wallet method (here or in other files) reads `ctx.wallet` as it always did.
 */
import type { RpcContext, RpcWallet } from '../interfaces.js';
import { translateWalletError } from './wallet-errors.js';

export function scopeToWallet(ctx: RpcContext, walletName: string | undefined): RpcContext {
  const wallets = ctx.wallets;
  if (!wallets) return ctx;
  const scoped: RpcContext = { ...ctx, walletName };
  Object.defineProperty(scoped, 'wallet', {
    enumerable: false,
    get(): RpcWallet {
      try {
        return wallets.resolve(walletName);
      } catch (err) {
        throw translateWalletError(err);
      }
    },
  });
  return scoped;
}
