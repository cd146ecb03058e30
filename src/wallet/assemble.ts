/** Builds an opened wallet's in-memory state (key ring, ledger, vault) from its loaded records. */
import { fromHex } from '../primitives/bytes.js';
import { Transaction } from '../primitives/transaction.js';
import { Ledger } from './coins.js';
import { DescriptorKeys } from './descriptor-keys.js';
import { KeyRing } from './keys.js';
import type { ResolvedWalletOptions, WalletModules } from './options.js';
import { RescanState } from './rescan-state.js';
import type { LoadedWallet, WalletStore } from './store.js';
import type { SyncContext } from './sync.js';
import { Vault } from './vault.js';
import { silentLogger } from '../util/logger.js';

export interface AssembledWallet {
  ctx: SyncContext;
  vault: Vault;
  /** Master key fingerprint, 8 hex digits. */
  fingerprint: string;
}

export function assembleWallet(options: ResolvedWalletOptions, modules: WalletModules, store: WalletStore, loaded: LoadedWallet): AssembledWallet {
  const now = modules.now ?? (() => Date.now() / 1000);
  const keys = new KeyRing(options.params, loaded.account.xpub, loaded.hd, options.keypoolSize);
  for (const [id, record] of loaded.descriptors) DescriptorKeys.attach(keys, loaded.hd, id, record, options.params, options.keypoolSize);
  for (const [address, label] of loaded.labels) {
    const key = keys.byAddress(address);
    if (key) key.label = label;
  }
  for (const record of loaded.imported.values()) keys.addImported(fromHex(record.publicKey), record.label);
  const ledger = new Ledger(keys, options.params, (txid) => modules.mempool.has(txid));
  const records = [...loaded.txs.entries()].sort(([, a], [, b]) => a.order - b.order);
  for (const [, record] of records) ledger.add(Transaction.decode(fromHex(record.hex)), record);
  const logger = modules.logger ?? silentLogger;
  const nextOrder = records.length > 0 ? records[records.length - 1][1].order + 1 : 0;
  const ctx: SyncContext = { params: options.params, chain: modules.chain, store, keys, ledger, sync: loaded.sync, logger, now, blockCache: new Map(), nextOrder, scan: new RescanState() };
  return { ctx, vault: new Vault(loaded.secret, options.params, now), fingerprint: loaded.account.fingerprint };
}
