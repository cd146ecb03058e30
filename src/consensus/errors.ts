import { DecodeError } from '../primitives/errors.js';

/**
 * What a rule violation means for whoever sent the data:
 * - `reject`: the data is invalid by consensus; never forward it and penalise its sender.
 * - `ignore`: the data may be fine but cannot be used now (unknown parent, duplicate, too far in
 *   the future); drop it without blame.
 */
export type RuleAction = 'reject' | 'ignore';

/** Bitcoin Core's reject reason strings, plus the few that exist only on powcoin's P2WPKH-only chain. */
export type RuleCode =
  // decoding
  | 'block-decode-failed'
  | 'tx-decode-failed'
  // headers
  | 'high-hash'
  | 'bad-diffbits'
  | 'time-too-old'
  | 'time-too-new'
  | 'bad-prevblk'
  | 'prev-blk-not-found'
  | 'bad-genesis'
  | 'duplicate'
  | 'duplicate-invalid'
  | 'inconclusive'
  // blocks
  | 'bad-txnmrklroot'
  | 'bad-txns-duplicate'
  | 'bad-blk-length'
  | 'bad-blk-weight'
  | 'bad-blk-sigops'
  | 'bad-cb-missing'
  | 'bad-cb-multiple'
  | 'bad-cb-height'
  | 'bad-cb-amount'
  | 'bad-cb-length'
  | 'bad-witness-nonce-size'
  | 'bad-witness-merkle-match'
  | 'unexpected-witness'
  | 'bad-txns-nonfinal'
  | 'bad-txns-BIP30'
  // transactions
  | 'bad-txns-vin-empty'
  | 'bad-txns-vout-empty'
  | 'bad-txns-oversize'
  | 'bad-txns-vout-negative'
  | 'bad-txns-vout-toolarge'
  | 'bad-txns-txouttotal-toolarge'
  | 'bad-txns-inputs-duplicate'
  | 'bad-txns-prevout-null'
  | 'bad-txns-inputs-missingorspent'
  | 'bad-txns-premature-spend-of-coinbase'
  | 'bad-txns-inputvalues-outofrange'
  | 'bad-txns-in-belowout'
  | 'bad-txns-fee-outofrange'
  | 'bad-txns-accumulated-fee-outofrange'
  | 'bad-txns-output-script'
  | 'bad-txns-nonempty-scriptsig'
  // script and signature (the detail goes in the message, as Core appends it in parentheses)
  | 'mandatory-script-verify-flag-failed'
  // mempool policy (src/mempool/): Core's reject reasons for transactions a node will not relay
  | 'coinbase'
  | 'version'
  | 'tx-size'
  | 'scriptpubkey'
  | 'multi-op-return'
  | 'dust'
  | 'non-final'
  | 'txn-already-in-mempool'
  | 'txn-already-known'
  | 'txn-mempool-conflict'
  | 'min relay fee not met'
  | 'mempool min fee not met'
  | 'mempool full'
  | 'too-long-mempool-chain';

export interface RuleErrorOptions {
  action?: RuleAction;
  /** Set when the data may be valid but was altered on the way (Core's "mutated" / corruption-possible): do not mark the block hash invalid. */
  corruptionPossible?: boolean;
}

/** The one error type for every consensus rule violation. */
export class RuleError extends Error {
  readonly code: RuleCode;
  readonly action: RuleAction;
  readonly corruptionPossible: boolean;

  constructor(code: RuleCode, message?: string, options: RuleErrorOptions = {}) {
    super(message ? `${code}: ${message}` : code);
    this.name = 'RuleError';
    this.code = code;
    this.action = options.action ?? 'reject';
    this.corruptionPossible = options.corruptionPossible ?? false;
  }

  /** Whether the sender of the offending data should be penalised. */
  get penalise(): boolean {
    return this.action === 'reject';
  }
}

export function isRuleError(err: unknown): err is RuleError {
  return err instanceof RuleError;
}

/** Malformed bytes from a peer are a rule violation by whoever sent them. */
export function decodeFailure(err: unknown, what: 'block' | 'tx'): RuleError {
  if (!(err instanceof DecodeError)) throw err;
  return new RuleError(what === 'block' ? 'block-decode-failed' : 'tx-decode-failed', err.message, {
    corruptionPossible: true,
  });
}
