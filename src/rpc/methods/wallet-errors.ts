/** The wallet's string error codes mapped, in one place, to Core's RPC codes and messages. */
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext, RpcWallet } from '../interfaces.js';

const MAPPED: Readonly<Record<string, [number, string | undefined]>> = {
  'insufficient-funds': [RpcCode.WALLET_INSUFFICIENT_FUNDS, 'Insufficient funds'],
  locked: [RpcCode.WALLET_UNLOCK_NEEDED, 'Error: Please enter the wallet passphrase with walletpassphrase first.'],
  'wrong-passphrase': [RpcCode.WALLET_PASSPHRASE_INCORRECT, 'Error: The wallet passphrase entered was incorrect.'],
  'wrong-enc-state': [RpcCode.WALLET_WRONG_ENC_STATE, undefined],
  'invalid-address': [RpcCode.INVALID_ADDRESS_OR_KEY, 'Invalid address'],
  'invalid-key': [RpcCode.INVALID_ADDRESS_OR_KEY, 'Invalid private key encoding'],
  'unknown-address': [RpcCode.WALLET_ERROR, undefined],
  'not-found': [RpcCode.INVALID_ADDRESS_OR_KEY, 'Invalid or non-wallet transaction id'],
  'invalid-amount': [RpcCode.TYPE_ERROR, 'Invalid amount for send'],
  dust: [RpcCode.WALLET_ERROR, 'Transaction amount too small'],
};

/** Runs a wallet call, translating a WalletError (anything with a string `code`) to Core's code. */
export async function walletCall<T>(ctx: RpcContext, call: (wallet: RpcWallet) => Promise<T>): Promise<T> {
  const wallet = ctx.wallet;
  if (!wallet) throw new RpcError(RpcCode.METHOD_NOT_FOUND, 'Method not found (wallet is not available in this node)');
  try {
    return await call(wallet);
  } catch (err) {
    throw translateWalletError(err);
  }
}

export function translateWalletError(err: unknown): unknown {
  if (err instanceof RpcError || !(err instanceof Error)) return err;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return err;
  if (err.name === 'RuleError') return new RpcError(RpcCode.WALLET_ERROR, err.message);
  const known = (err as Error & { rpcCode?: unknown }).rpcCode;
  if (typeof known === 'number') return new RpcError(known, err.message);
  const [rpcCode, message] = MAPPED[code] ?? [RpcCode.WALLET_ERROR, undefined];
  return new RpcError(rpcCode, message ?? err.message);
}
