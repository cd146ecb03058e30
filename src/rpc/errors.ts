/**
 * Bitcoin Core's JSON-RPC error codes (src/rpc/protocol.h) and the one error type methods throw.
 * Mapping a RuleError to a code happens here, in one place (see txRejection).
 */
import type { TxRejection } from '../mempool/policy-codes.js';

export const RpcCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  MISC_ERROR: -1,
  TYPE_ERROR: -3,
  INVALID_ADDRESS_OR_KEY: -5,
  OUT_OF_MEMORY: -7,
  INVALID_PARAMETER: -8,
  DESERIALIZATION_ERROR: -22,
  VERIFY_ERROR: -25,
  VERIFY_REJECTED: -26,
  VERIFY_ALREADY_IN_CHAIN: -27,
  IN_WARMUP: -28,
  CLIENT_NOT_CONNECTED: -9,
  CLIENT_NODE_ALREADY_ADDED: -23,
  CLIENT_NODE_NOT_ADDED: -24,
  CLIENT_NODE_NOT_CONNECTED: -29,
  CLIENT_INVALID_IP_OR_SUBNET: -30,
  CLIENT_P2P_DISABLED: -31,
  WALLET_ERROR: -4,
  WALLET_INSUFFICIENT_FUNDS: -6,
  WALLET_UNLOCK_NEEDED: -13,
  WALLET_PASSPHRASE_INCORRECT: -14,
  WALLET_WRONG_ENC_STATE: -15,
  WALLET_NOT_FOUND: -18,
} as const;

/** An error answered to the caller as `{ code, message }`; anything else thrown by a method is a bug (-32603). */
export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function isRpcError(err: unknown): err is RpcError {
  return err instanceof RpcError;
}

export const invalidParameter = (message: string): RpcError => new RpcError(RpcCode.INVALID_PARAMETER, message);
export const typeError = (message: string): RpcError => new RpcError(RpcCode.TYPE_ERROR, message);

/**
 * A transaction refused by the mempool, as Core's sendrawtransaction reports it: already mined
 * → -27, unknown inputs → -25, any other rule or policy → -26 with the reject reason.
 */
export function txRejection(err: TxRejection): RpcError {
  if (err.code === 'txn-already-known') return new RpcError(RpcCode.VERIFY_ALREADY_IN_CHAIN, 'Transaction outputs already in utxo set');
  if (err.code === 'bad-txns-inputs-missingorspent') return new RpcError(RpcCode.VERIFY_ERROR, rejectReason(err));
  return new RpcError(RpcCode.VERIFY_REJECTED, rejectReason(err));
}

/** Core's reject string: the code, then the detail in parentheses (`mandatory-script-verify-flag-failed (...)`). */
export function rejectReason(err: TxRejection): string {
  return err.detail ? `${err.code} (${err.detail})` : err.code;
}
