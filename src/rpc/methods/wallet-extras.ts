/** restorewallet (a backupwallet file as a new loaded wallet) and getunconfirmedbalance. */
import { amountJson } from '../amounts.js';
import { typeError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';
import { walletName, withWallets } from './wallet-multi.js';

async function restoreWallet(p: Params, ctx: RpcContext): Promise<unknown> {
  const name = walletName(p, 0);
  const file = p.raw(1);
  if (typeof file !== 'string') throw typeError('JSON value is not a string as expected');
  const restored = await withWallets(ctx, (w) => w.restore(name, file));
  return { name: restored.name, warnings: [] };
}

export const walletExtraMethods: RpcMethod[] = [
  { name: 'restorewallet', group: 'wallet', args: [required('wallet_name'), required('backup_file'), optional('load_on_startup')], summary: 'Restores a backupwallet file as a new wallet and loads it.', run: restoreWallet },
  { name: 'getunconfirmedbalance', group: 'wallet', args: [], summary: "Deprecated in Core: getbalances' mine.untrusted_pending.", run: async (_p, ctx) => amountJson((await walletCall(ctx, (w) => w.getBalances())).untrustedPending) },
];
