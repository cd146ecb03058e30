/** The one method table: every RPC method by name. */
import { addressMethods } from './address.js';
import { blockStatsMethods } from './blockstats.js';
import { chainInfoMethods } from './chain-info.js';
import { chainMethods } from './chain.js';
import { controlMethods } from './control.js';
import { descriptorMethods } from './descriptors.js';
import { scanMethods } from './scantxoutset.js';
import { mempoolMethods } from './mempool.js';
import { miningMethods } from './mining.js';
import { networkMethods } from './network.js';
import { psbtMethods } from './psbt.js';
import { rawTxMethods } from './rawtx.js';
import { rawTxFundMethods } from './rawtx-fund.js';
import { rawTxSignMethods } from './rawtx-sign.js';
import { safetyMethods } from './safety.js';
import type { RpcMethod } from './types.js';
import { walletAdminMethods } from './wallet-admin.js';
import { walletBumpMethods } from './wallet-bump.js';
import { walletMethods } from './wallet.js';
import { walletMultiMethods } from './wallet-multi.js';
import { walletSeedMethods } from './wallet-seed.js';
import { walletReceivedMethods } from './wallet-received.js';
// Core's chain, mempool, network and util extras (issue 12, branch corechain).
import { chainExtraMethods } from './chain-extras.js';
import { mempoolExtraMethods } from './mempool-extras.js';
import { nodeInfoMethods } from './node-info.js';
import { scriptUtilMethods } from './script-util.js';
import { txOutProofMethods } from './txoutproof.js';
import { blockFilterMethods } from './blockfilter.js';
import { mempoolPersistMethods } from './mempool-persist.js';
import { utxoSnapshotMethods } from './utxo-snapshot.js';
import { walletLabelMethods } from './wallet-labels.js';
import { walletSendMethods } from './wallet-send.js';
import { walletExtraMethods } from './wallet-extras.js';
import { walletUpkeepMethods } from './wallet-upkeep.js';
// Core's node extras (branch nodeextra).
import { networkControlMethods } from './network-control.js';
import { scanBlocksMethods } from './scanblocks.js';
import { prioritiseMethods } from './prioritise.js';
import { submitPackageMethods } from './submitpackage.js';
import { walletDescriptorMethods } from './wallet-descriptors.js';
import { psbtDescriptorMethods } from './psbt-descriptors.js';

export type MethodTable = ReadonlyMap<string, RpcMethod>;

export function methodTable(): MethodTable {
  const table = new Map<string, RpcMethod>();
  const all = [
    ...chainMethods,
    ...blockStatsMethods,
    ...chainInfoMethods,
    ...mempoolMethods,
    ...rawTxMethods,
    ...rawTxFundMethods,
    ...rawTxSignMethods,
    ...psbtMethods,
    ...miningMethods,
    ...networkMethods,
    ...walletMethods,
    ...walletAdminMethods,
    ...walletBumpMethods,
    ...addressMethods,
    ...safetyMethods,
    ...walletMultiMethods,
    ...walletSeedMethods,
    ...walletReceivedMethods,
    ...chainExtraMethods,
    ...mempoolExtraMethods,
    ...nodeInfoMethods,
    ...scriptUtilMethods,
    ...txOutProofMethods,
    ...blockFilterMethods,
    ...mempoolPersistMethods,
    ...utxoSnapshotMethods,
    ...descriptorMethods,
    ...scanMethods,
    ...walletLabelMethods,
    ...walletSendMethods,
    ...walletExtraMethods,
    ...walletUpkeepMethods,
    ...networkControlMethods,
    ...scanBlocksMethods,
    ...prioritiseMethods,
    ...submitPackageMethods,
    ...walletDescriptorMethods,
    ...psbtDescriptorMethods,
    ...controlMethods(() => table),
  ];
  for (const method of all) {
    if (table.has(method.name)) throw new Error(`RPC method ${method.name} is defined twice`);
    table.set(method.name, method);
  }
  return table;
}

export type { RpcMethod } from './types.js';
