/**
 * Every method's help entry, merged from the per-group files. To document a new method, add
 * its entry to the file of its group (or a new file listed here); until then `help` falls back
 * to the method table's summary and argument names.
 */
import type { RpcMethod } from '../methods/types.js';
import { chainHelp } from './chain.js';
import { coreExtrasHelp } from './core-extras.js';
import { descriptorHelp } from './descriptors.js';
import { networkHelp, controlHelp } from './network.js';
import { psbtHelp, walletPsbtHelp } from './psbt.js';
import { rawTxHelp, miningHelp, generatingHelp } from './rawtx.js';
import { nodeExtrasHelp } from './node-extras.js';
import { methodHelpText } from './render.js';
import type { HelpTable } from './types.js';
import { walletHelp, utilHelp } from './wallet.js';
import { walletManageHelp, walletSpendHelp } from './wallets.js';
import { walletUpkeepHelp } from './wallet-upkeep.js';
import { walletDescriptorHelp } from './wallet-descriptors.js';

export const HELP: HelpTable = {
  ...chainHelp,
  ...rawTxHelp,
  ...psbtHelp,
  ...miningHelp,
  ...generatingHelp,
  ...networkHelp,
  ...walletHelp,
  ...walletPsbtHelp,
  ...walletManageHelp,
  ...walletSpendHelp,
  ...utilHelp,
  ...controlHelp,
  ...coreExtrasHelp,
  ...descriptorHelp,
  ...walletUpkeepHelp,
  ...nodeExtrasHelp,
  ...walletDescriptorHelp,
};

export function helpFor(method: RpcMethod): string {
  return methodHelpText(method, Object.prototype.hasOwnProperty.call(HELP, method.name) ? HELP[method.name] : undefined);
}

export type { HelpTable, MethodHelp } from './types.js';
