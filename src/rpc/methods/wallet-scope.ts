/**
 * Which wallet a request addresses. With several wallets (`ctx.wallets`), each request gets a
 * context whose `wallet` is the one its /wallet/<name> endpoint names, or the only one loaded:
 * resolved when a method first reads it, so methods that use no wallet never fail for it, and
 * every wallet method (here or in other files) reads `ctx.wallet` as it always did. Without a
 * registry (the tests' in-process stack), `wallet` is the context's own.
 */
import type { RpcContext, RpcWallet } from '../interfaces.js';
import { translateWalletError } from './wallet-errors.js';

export function scopeToWallet(ctx: RpcContext, walletName: string | undefined): RpcContext {
  // A view over ctx, not a copy: parts the node fills in later (wallets, network) show through.
  const scoped = Object.create(ctx) as RpcContext;
  Object.defineProperty(scoped, 'walletName', { value: walletName, enumerable: true });
  Object.defineProperty(scoped, 'wallet', {
    enumerable: false,
    get(): RpcWallet | undefined {
      const wallets = ctx.wallets;
      if (!wallets) return ctx.wallet;
      try {
        return wallets.resolve(walletName);
      } catch (err) {
        throw translateWalletError(err);
      }
    },
  });
  return scoped;
}
