/**
 * The wallet's one error type. `code` is a stable string; `rpcCode` is the Bitcoin Core RPC error
 * number the RPC layer answers with, so both are decided here, in one place. Messages never carry
 * key material: they name addresses and txids at most.
 */
export type WalletErrorCode =
  | 'wallet-error'
  | 'insufficient-funds'
  | 'locked'
  | 'wrong-passphrase'
  | 'wrong-enc-state'
  | 'invalid-address-or-key'
  | 'invalid-parameter'
  | 'invalid-amount'
  | 'rescan-aborted';

/** Core's RPC error numbers (src/rpc/protocol.h). */
export const WALLET_RPC_CODES: Readonly<Record<WalletErrorCode, number>> = Object.freeze({
  'wallet-error': -4, // RPC_WALLET_ERROR
  'insufficient-funds': -6, // RPC_WALLET_INSUFFICIENT_FUNDS
  locked: -13, // RPC_WALLET_UNLOCK_NEEDED
  'wrong-passphrase': -14, // RPC_WALLET_PASSPHRASE_INCORRECT
  'wrong-enc-state': -15, // RPC_WALLET_WRONG_ENC_STATE
  'invalid-address-or-key': -5, // RPC_INVALID_ADDRESS_OR_KEY
  'invalid-parameter': -8, // RPC_INVALID_PARAMETER
  'invalid-amount': -3, // RPC_TYPE_ERROR, as Core answers "Invalid amount for send"
  'rescan-aborted': -1, // RPC_MISC_ERROR: Core's "Rescan aborted by user."
});

export class WalletError extends Error {
  readonly code: WalletErrorCode;
  readonly rpcCode: number;

  constructor(code: WalletErrorCode, message: string) {
    super(message);
    this.name = 'WalletError';
    this.code = code;
    this.rpcCode = WALLET_RPC_CODES[code];
  }
}

/** Core's message for anything that needs the private keys of an encrypted, locked wallet. */
export function lockedError(): WalletError {
  return new WalletError('locked', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
}

export function isWalletError(err: unknown, code?: WalletErrorCode): err is WalletError {
  return err instanceof WalletError && (code === undefined || err.code === code);
}
