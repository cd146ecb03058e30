import { DecodeError } from '../primitives/errors.js';

/**
 * What a rule violation means for whoever sent the data:
 * - `reject`: the data is invalid by consensus; never forward it and penalise its sender.
 * - `ignore`: the data may be fine but cannot be used now (unknown parent, duplicate, too far in
 *   the future); drop it without blame.
 */
export type RuleAction = 'reject' | 'ignore';

/**
 * Bitcoin Core's consensus reject reasons, plus the few that exist only on powcoin's P2WPKH-only
 * chain. Relay policy has its own list (PolicyCode in src/mempool/policy-codes.ts).
 */
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
  | 'mandatory-script-verify-flag-failed';

/**
 * The codes that may mean "a valid block, altered on the way" rather than "an invalid block":
 * Bitcoin Core's BLOCK_MUTATED (CheckMerkleRoot and CheckWitnessMalleation). The header hash does
 * not commit to what these rules check (the tx list for a bad root or a CVE-2012-2459 duplicated
 * tail; the witnesses, which are outside the txid tree), so a relay can fail them with the real
 * header. A block failing one must be refused without remembering its hash as invalid, or a
 * forged copy would make us refuse the real block. Undecodable bytes are here too: they name no
 * block at all. Every other block rule runs after these have proved the body is the one the
 * header commits to (bad-blk-length and bad-blk-weight included, as in Core), so its failure
 * is the block's own.
 */
export const MAY_BE_MUTATED: ReadonlySet<RuleCode> = new Set<RuleCode>([
  'bad-txnmrklroot',
  'bad-txns-duplicate',
  'bad-witness-nonce-size',
  'bad-witness-merkle-match',
  'unexpected-witness',
  'block-decode-failed',
  'tx-decode-failed',
]);

export interface RuleErrorOptions {
  action?: RuleAction;
}

/**
 * The one error type for a rule violation: consensus rules (`RuleCode`, the default) and, with
 * the mempool's own code list, relay policy (`RuleError<PolicyCode>`).
 */
export class RuleError<Code extends string = RuleCode> extends Error {
  readonly code: Code;
  readonly action: RuleAction;
  /** What exactly was wrong, for people (Core's debug message); the message is `code: detail`. */
  readonly detail?: string;
  /** Core's BLOCK_MUTATED: the data may be valid but altered on the way (see MAY_BE_MUTATED). */
  readonly corruptionPossible: boolean;

  constructor(code: Code, message?: string, options: RuleErrorOptions = {}) {
    super(message ? `${code}: ${message}` : code);
    this.name = 'RuleError';
    this.code = code;
    this.action = options.action ?? 'reject';
    if (message) this.detail = message;
    this.corruptionPossible = (MAY_BE_MUTATED as ReadonlySet<string>).has(code);
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
  return new RuleError(what === 'block' ? 'block-decode-failed' : 'tx-decode-failed', err.message);
}
