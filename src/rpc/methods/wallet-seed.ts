/** The seed and its passphrase: dumpmnemonic (ours; Core has no mnemonic) and walletpassphrasechange. */
import { RpcCode, RpcError } from '../errors.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';

function nonEmpty(p: Params, index: number): string {
  const text = p.string(index) ?? '';
  if (text === '') throw new RpcError(RpcCode.INVALID_PARAMETER, 'passphrase cannot be empty');
  return text;
}

export const walletSeedMethods: RpcMethod[] = [
  {
    name: 'dumpmnemonic',
    group: 'wallet',
    args: [optional('passphrase')],
    summary: "The wallet's 24 BIP39 words (its whole seed: keep them offline). An encrypted wallet needs its passphrase, locked or not.",
    run: (p, ctx) => walletCall(ctx, (w) => w.dumpMnemonic(p.has(0) ? p.string(0) : undefined)),
  },
  {
    name: 'walletpassphrasechange',
    group: 'wallet',
    args: [required('oldpassphrase'), required('newpassphrase')],
    summary: 'Changes the passphrase of an encrypted wallet (it is locked afterwards).',
    run: async (p, ctx) => {
      const [oldPassphrase, newPassphrase] = [nonEmpty(p, 0), nonEmpty(p, 1)];
      await walletCall(ctx, (w) => w.changePassphrase(oldPassphrase, newPassphrase));
      return null;
    },
  },
];
