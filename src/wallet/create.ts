/**
 * Opening a wallet's records, or creating them for a new wallet: a fresh 24-word mnemonic, or
 * the one given (restore). A new wallet starts at the chain tip, since no coin can pay keys that
 * did not exist; a restored one starts at genesis and scans the whole chain.
 */
import type { NetworkParams } from '../params/types.js';
import { WalletError } from './errors.js';
import { accountFromMaster, accountPath, checkMnemonic, fingerprintHex, masterFromMnemonic, newMnemonic } from './hd.js';
import type { WalletChain } from './interfaces.js';
import { type LoadedWallet, type WalletStore, blockKey } from './store.js';
import type { SecretRecord } from './vault.js';

export async function loadOrCreate(store: WalletStore, params: NetworkParams, chain: WalletChain, mnemonic?: string): Promise<LoadedWallet> {
  const loaded = await store.load();
  if (loaded) {
    if (mnemonic !== undefined && accountXpub(checkMnemonic(mnemonic), params) !== loaded.account.xpub) {
      throw new WalletError('wallet-error', `the wallet in ${store.dir} was made from another mnemonic`);
    }
    return loaded;
  }
  const words = mnemonic !== undefined ? checkMnemonic(mnemonic) : newMnemonic();
  const master = masterFromMnemonic(words);
  const account = { xpub: accountFromMaster(master, params).publicExtendedKey, fingerprint: fingerprintHex(master), path: accountPath(params) };
  master.wipePrivateData();
  const start = mnemonic !== undefined ? chain.getEntryAtHeight(0)! : chain.tip;
  const created: LoadedWallet = {
    secret: { encrypted: false, secrets: { mnemonic: words, imported: {} } } satisfies SecretRecord,
    account,
    hd: { issued: [0, 0], used: [0, 0] },
    sync: { height: start.height, hash: start.hash, birthHeight: start.height },
    txs: new Map(),
    labels: new Map(),
    imported: new Map(),
    descriptors: new Map(),
  };
  await store
    .batch()
    .put('secret', created.secret)
    .put('account', created.account)
    .put('hd', created.hd)
    .putSync(created.sync)
    .put(blockKey(start.height), start.hash)
    .write();
  return created;
}

function accountXpub(mnemonic: string, params: NetworkParams): string {
  const master = masterFromMnemonic(mnemonic);
  const xpub = accountFromMaster(master, params).publicExtendedKey;
  master.wipePrivateData();
  return xpub;
}
