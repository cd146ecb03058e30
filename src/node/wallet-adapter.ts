/** The wallet as the RPC sees it: the same calls, made uniformly async, balances renamed. */
import type { RpcWallet } from '../rpc/interfaces.js';
import type { Wallet } from '../wallet/wallet.js';
import { listDescriptors } from '../wallet/extras/descriptors.js';
import { createWalletDescriptor, getHdKeys } from '../wallet/extras/hdkeys.js';
import { importDescriptors } from '../wallet/extras/import-descriptors.js';
import { addressesByLabel, listLabels, listReceivedByLabel, receivedByLabel, setLabel } from '../wallet/extras/labels.js';
import { listLockUnspent, lockUnspent } from '../wallet/extras/locks.js';
import { setWalletFlag } from '../wallet/extras/flags.js';
import { keypoolRefill } from '../wallet/extras/keypool.js';
import { importPrunedFunds, removePrunedFunds } from '../wallet/extras/pruned.js';
import { simulateTransactions } from '../wallet/extras/simulate.js';

export function walletForRpc(wallet: Wallet): RpcWallet {
  return {
    getNewAddress: (label) => wallet.getNewAddress(label),
    getRawChangeAddress: () => wallet.getRawChangeAddress(),
    getBalances: async () => {
      const { mine, lastprocessedblock } = wallet.getBalances();
      return { trusted: mine.trusted, untrustedPending: mine.untrusted_pending, immature: mine.immature, used: mine.used, lastProcessedBlock: lastprocessedblock };
    },
    getBalance: async (minconf) => wallet.getBalance({ minconf }),
    listUnspent: async (minconf, maxconf, addresses) => wallet.listUnspent(minconf, maxconf, addresses) as unknown as Record<string, unknown>[],
    send: async (outputs, options) => {
      const sent = await wallet.send(outputs, { feeRate: options.feeRate, subtractFeeFromOutputs: [...(options.subtractFeeFrom ?? [])], replaceable: options.replaceable });
      return { txid: sent.txid, fee: sent.fee };
    },
    bumpFee: async (txid, options) => (await wallet.bumpFee(txid, options)) as unknown as Record<string, unknown>,
    abandonTransaction: (txid) => wallet.abandonTransaction(txid),
    planBumpFee: (txid, options) => wallet.planBumpFee(txid, options),
    listTransactions: async (count, skip) => wallet.listTransactions(count, skip) as unknown as Record<string, unknown>[],
    getTransaction: async (txid) => wallet.getTransaction(txid) as unknown as Record<string, unknown>,
    getWalletInfo: async () => wallet.getWalletInfo() as unknown as Record<string, unknown>,
    encrypt: (passphrase) => wallet.encrypt(passphrase),
    changePassphrase: (oldPassphrase, newPassphrase) => wallet.changePassphrase(oldPassphrase, newPassphrase),
    dumpMnemonic: (passphrase) => wallet.dumpMnemonic(passphrase),
    getReceivedByAddress: async (address, minconf, includeImmature) => wallet.getReceivedByAddress(address, minconf, includeImmature),
    listReceivedByAddress: async (minconf, includeEmpty, address, includeImmature) => wallet.listReceivedByAddress(minconf, includeEmpty, address, includeImmature) as unknown as Record<string, unknown>[],
    listAddressGroupings: async () => wallet.listAddressGroupings(),
    listSinceBlock: async (since, target, options) => wallet.listSinceBlock(since, target, options) as unknown as Record<string, unknown>,
    signMessage: async (address, message) => wallet.signMessage(address, message),
    unlock: (passphrase, seconds) => wallet.unlock(passphrase, seconds),
    lock: async () => wallet.lock(),
    backup: (path) => wallet.backup(path),
    getAddressInfo: async (address) => wallet.getAddressInfo(address) as unknown as Record<string, unknown>,
    dumpPrivKey: async (address) => wallet.dumpPrivKey(address),
    importPrivKey: (key, label, rescan) => wallet.importPrivKey(key, label, rescan),
    rescan: (start, stop) => wallet.rescan(start, stop),
    fundTransaction: async (tx, options) => {
      const funded = await wallet.fundTransaction({ tx, ...options });
      return { tx: funded.tx, fee: funded.fee, changePosition: funded.changePosition };
    },
    signInputs: (tx, spent, sighashType) => wallet.signInputs(tx, spent, sighashType),
    findOutput: async (outpoint) => wallet.findOutput(outpoint),
    keyOrigin: async (script) => wallet.keyOrigin(script),
    lockUnspent: (unlock, outpoints, persistent) => wallet.withParts((parts) => lockUnspent(parts, unlock, outpoints, persistent)),
    listLockUnspent: () => wallet.withParts(listLockUnspent),
    setLabel: (address, label) => wallet.withParts((parts) => setLabel(parts, address, label)),
    listLabels: (purpose) => wallet.withParts((parts) => listLabels(parts, purpose)),
    getAddressesByLabel: (label) => wallet.withParts((parts) => addressesByLabel(parts, label)),
    getReceivedByLabel: (label, minconf, immature) => wallet.withParts((parts) => receivedByLabel(parts, label, minconf, immature)),
    listReceivedByLabel: (minconf, includeEmpty, immature) => wallet.withParts((parts) => listReceivedByLabel(parts, minconf, includeEmpty, immature)),
    listDescriptors: (withPrivate) => wallet.withParts((parts) => listDescriptors(parts, withPrivate) as unknown as Record<string, unknown>),
    keypoolRefill: (newsize) => wallet.withParts((parts) => keypoolRefill(parts, newsize)),
    setWalletFlag: (flag, value) => wallet.withParts(async (parts) => (await setWalletFlag(parts, flag, value)) as unknown as Record<string, unknown>),
    abortRescan: async () => wallet.abortRescan(),
    importPrunedFunds: (tx, block) => wallet.withParts((parts) => importPrunedFunds(parts, tx, block)),
    removePrunedFunds: (txid) => wallet.withParts((parts) => removePrunedFunds(parts, txid)),
    simulateTransactions: (txs, coinExists) => wallet.withParts((parts) => simulateTransactions(parts, txs, coinExists)),
    importDescriptors: (requests) => wallet.withParts((parts) => importDescriptors(parts, requests) as unknown as Promise<Record<string, unknown>[]>),
    getHdKeys: (options) => wallet.withParts((parts) => getHdKeys(parts, options) as unknown as Promise<Record<string, unknown>[]>),
    createWalletDescriptor: (options) => wallet.withParts((parts) => createWalletDescriptor(parts, options)),
  };
}
