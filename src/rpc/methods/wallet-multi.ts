/** Several wallets, as Core: createwallet, loadwallet, unloadwallet, listwallets, listwalletdir. */
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext, RpcWallets } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';
import { translateWalletError } from './wallet-errors.js';

const BACKUP_WARNING =
  'Write these words down and keep them offline: they restore every coin of this wallet (powcoin wallet restore, or createwallet with a mnemonic). They are shown only now; powcoin wallet mnemonic shows them again.';

export async function withWallets<T>(ctx: RpcContext, call: (wallets: RpcWallets) => Promise<T> | T): Promise<T> {
  if (!ctx.wallets) throw new RpcError(RpcCode.METHOD_NOT_FOUND, 'Method not found (wallet is not available in this node)');
  try {
    return await call(ctx.wallets);
  } catch (err) {
    throw translateWalletError(err);
  }
}

export function walletName(p: Params, index: number): string {
  const name = p.raw(index);
  if (typeof name !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
  return name;
}

async function createWallet(p: Params, ctx: RpcContext): Promise<unknown> {
  const name = walletName(p, 0);
  if (p.bool(1, false)) throw new RpcError(RpcCode.WALLET_ERROR, 'Wallets without private keys are not supported');
  if (p.bool(2, false)) throw new RpcError(RpcCode.WALLET_ERROR, 'Blank wallets are not supported: every wallet has a BIP39 seed');
  const passphrase = p.has(3) ? p.string(3) : undefined;
  const mnemonic = p.has(8) ? p.string(8) : undefined;
  const created = await withWallets(ctx, (w) => w.create(name, { passphrase: passphrase === '' ? undefined : passphrase, mnemonic }));
  const warnings = passphrase === '' ? ['Empty string given as passphrase, wallet will not be encrypted.'] : [];
  if (created.mnemonic !== undefined) warnings.push(BACKUP_WARNING);
  return { name: created.name, warnings, ...(created.mnemonic !== undefined ? { mnemonic: created.mnemonic } : {}) };
}

async function unloadWallet(p: Params, ctx: RpcContext): Promise<unknown> {
  const named = p.has(0) ? walletName(p, 0) : undefined;
  if (named !== undefined && ctx.walletName !== undefined && named !== ctx.walletName) {
    throw new RpcError(RpcCode.INVALID_PARAMETER, 'RPC endpoint wallet and wallet_name parameter specify different wallets');
  }
  const name = named ?? ctx.walletName ?? (await withWallets(ctx, (w) => onlyLoaded(w)));
  await withWallets(ctx, (w) => w.unload(name));
  return { warnings: [] };
}

/**
 * Core's migratewallet turns a legacy (BDB) wallet into a descriptor wallet. Every powcoin wallet
 * is a descriptor wallet from its creation, so, as Core does for one, it names the wallet (from
 * the endpoint or the parameter, never both differing) and answers -4 "already a descriptor wallet".
 */
async function migrateWallet(p: Params, ctx: RpcContext): Promise<unknown> {
  const named = p.has(0) ? walletName(p, 0) : undefined;
  if (ctx.walletName !== undefined && named !== undefined && named !== ctx.walletName) {
    throw new RpcError(RpcCode.INVALID_PARAMETER, 'RPC endpoint wallet and wallet_name parameter specify different wallets');
  }
  const name = ctx.walletName ?? named;
  if (name === undefined) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Either RPC endpoint wallet or wallet_name parameter must be provided');
  if (p.has(1)) p.string(1);
  const known = await withWallets(ctx, (w) => w.list().includes(name) || w.listDir().includes(name));
  if (!known) throw new RpcError(RpcCode.WALLET_ERROR, `Wallet file verification failed. Failed to load database path '${name}'. Path does not exist.`);
  throw new RpcError(RpcCode.WALLET_ERROR, 'Error: This wallet is already a descriptor wallet');
}

/** Without a name, unloadwallet takes the only loaded wallet (Core's GetWalletForJSONRPCRequest). */
function onlyLoaded(wallets: RpcWallets): string {
  const names = wallets.list();
  if (names.length === 1) return names[0];
  if (names.length === 0) throw new RpcError(RpcCode.WALLET_NOT_FOUND, 'No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet.');
  throw new RpcError(-19, 'Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).');
}

export const walletMultiMethods: RpcMethod[] = [
  {
    name: 'createwallet',
    group: 'wallet',
    args: [required('wallet_name'), optional('disable_private_keys'), optional('blank'), optional('passphrase'), optional('avoid_reuse'), optional('descriptors'), optional('load_on_startup'), optional('external_signer'), optional('mnemonic')],
    summary: 'Creates and loads a wallet (a new 24-word seed, shown once in `mnemonic`), or restores one from `mnemonic`.',
    run: createWallet,
  },
  { name: 'loadwallet', group: 'wallet', args: [required('filename'), optional('load_on_startup')], summary: 'Loads a wallet from the wallet folder.', run: async (p, ctx) => ({ name: (await withWallets(ctx, (w) => w.load(walletName(p, 0)))).name, warnings: [] }) },
  { name: 'unloadwallet', group: 'wallet', args: [optional('wallet_name'), optional('load_on_startup')], summary: 'Unloads a wallet (the endpoint\'s, or the one named).', run: unloadWallet },
  { name: 'listwallets', group: 'wallet', args: [], summary: 'Names of the loaded wallets.', run: (_p, ctx) => withWallets(ctx, (w) => w.list()) },
  { name: 'migratewallet', group: 'wallet', args: [optional('wallet_name'), optional('passphrase')], summary: 'Migrates a legacy wallet to descriptors; every powcoin wallet already is one (-4).', run: migrateWallet },
  { name: 'listwalletdir', group: 'wallet', args: [], summary: 'Wallets in the wallet folder, loaded or not.', run: (_p, ctx) => withWallets(ctx, (w) => ({ wallets: w.listDir().map((name) => ({ name })) })) },
];
