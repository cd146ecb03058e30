/** Wallet administration: info, encryption, backup, keys, rescans. */
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { addressScript } from './address.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';
import { walletJson } from './wallet.js';

/** Core caps walletpassphrase's timeout at 100,000,000 seconds (~3 years). */
const MAX_UNLOCK_SECONDS = 100_000_000;

async function walletInfo(ctx: RpcContext): Promise<unknown> {
  return walletJson(await walletCall(ctx, (w) => w.getWalletInfo()));
}

function passphrase(p: Params, index: number): string {
  const text = p.string(index) ?? '';
  if (text === '') throw new RpcError(RpcCode.INVALID_PARAMETER, 'passphrase cannot be empty');
  return text;
}

async function walletPassphrase(p: Params, ctx: RpcContext): Promise<null> {
  const pass = passphrase(p, 0);
  const seconds = p.int(1, { min: 0, what: 'Timeout cannot be negative.' });
  await walletCall(ctx, (w) => w.unlock(pass, Math.min(seconds, MAX_UNLOCK_SECONDS)));
  return null;
}

async function encryptWallet(p: Params, ctx: RpcContext): Promise<string> {
  const pass = passphrase(p, 0);
  await walletCall(ctx, (w) => w.encrypt(pass));
  // Unlike Core, the seed is kept (see Wallet.encrypt): the words already written down stay the backup.
  return 'wallet encrypted; it is locked now. The HD seed is unchanged: the mnemonic you wrote down still restores this wallet, and a backupwallet copy made before holds the seed unencrypted, so destroy it and make a new one.';
}

async function getAddressInfo(p: Params, ctx: RpcContext): Promise<unknown> {
  const address = p.string(0) ?? '';
  addressScript(ctx, address);
  return walletJson(await walletCall(ctx, (w) => w.getAddressInfo(address)));
}

async function dumpPrivKey(p: Params, ctx: RpcContext): Promise<string> {
  const address = p.string(0) ?? '';
  addressScript(ctx, address);
  return walletCall(ctx, (w) => w.dumpPrivKey(address));
}

async function rescan(p: Params, ctx: RpcContext): Promise<unknown> {
  const start = p.int(0, { fallback: 0, min: 0, max: ctx.chain.height, what: 'Invalid start_height' });
  const stop = p.has(1) ? p.int(1, { min: start, max: ctx.chain.height, what: 'Invalid stop_height' }) : undefined;
  return walletCall(ctx, (w) => w.rescan(start, stop));
}

export const walletAdminMethods: RpcMethod[] = [
  { name: 'getwalletinfo', group: 'wallet', args: [], summary: 'Balances, tx count and lock state of the wallet.', run: (_p, ctx) => walletInfo(ctx) },
  { name: 'walletpassphrase', group: 'wallet', args: [required('passphrase'), required('timeout')], summary: 'Unlocks the wallet for timeout seconds.', run: walletPassphrase },
  { name: 'walletlock', group: 'wallet', args: [], summary: 'Locks the wallet now.', run: async (_p, ctx) => { await walletCall(ctx, (w) => w.lock()); return null; } },
  { name: 'encryptwallet', group: 'wallet', args: [required('passphrase')], summary: 'Encrypts the wallet with a passphrase (it is then locked).', run: encryptWallet },
  { name: 'backupwallet', group: 'wallet', args: [required('destination')], summary: 'Copies the wallet to a file.', run: async (p, ctx) => { const path = p.string(0) ?? ''; await walletCall(ctx, (w) => w.backup(path)); return null; } },
  { name: 'getaddressinfo', group: 'wallet', args: [required('address')], summary: 'What the wallet knows of an address (ismine, key path, labels).', run: getAddressInfo },
  { name: 'dumpprivkey', group: 'wallet', args: [required('address')], summary: "The private key (WIF) of one of the wallet's addresses.", run: dumpPrivKey },
  { name: 'importprivkey', group: 'wallet', args: [required('privkey'), optional('label'), optional('rescan')], summary: 'Adds a private key (WIF) to the wallet.', run: async (p, ctx) => { const key = p.string(0) ?? ''; const label = p.string(1, ''); const again = p.bool(2, true); await walletCall(ctx, (w) => w.importPrivKey(key, label, again)); return null; } },
  { name: 'rescanblockchain', group: 'wallet', args: [optional('start_height'), optional('stop_height')], summary: 'Re-reads the chain for wallet transactions.', run: rescan },
];
