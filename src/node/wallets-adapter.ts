/** The loaded wallets as the RPC sees them: the registry, each wallet through walletForRpc. */
import type { RpcWallet, RpcWallets } from '../rpc/interfaces.js';
import type { WalletRegistry } from '../wallet/registry.js';
import type { Wallet } from '../wallet/wallet.js';
import { walletForRpc } from './wallet-adapter.js';

export function walletsForRpc(registry: WalletRegistry): RpcWallets {
  const adapters = new WeakMap<Wallet, RpcWallet>();
  const adapt = (wallet: Wallet): RpcWallet => {
    let adapter = adapters.get(wallet);
    if (!adapter) adapters.set(wallet, (adapter = walletForRpc(wallet)));
    return adapter;
  };
  return {
    resolve: (name) => adapt(registry.resolve(name)),
    create: async (name, options) => {
      const created = await registry.create(name, options);
      return { name, ...(created.mnemonic !== undefined ? { mnemonic: created.mnemonic } : {}) };
    },
    load: async (name) => {
      await registry.load(name);
      return { name };
    },
    restore: async (name, backupPath) => {
      await registry.restore(name, backupPath);
      return { name };
    },
    unload: (name) => registry.unload(name),
    list: () => registry.names(),
    listDir: () => registry.onDisk(),
  };
}
