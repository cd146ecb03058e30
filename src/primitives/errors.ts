/** Why a byte string could not be decoded; stable strings, safe to show to peers and users. */
export type DecodeErrorCode =
  | 'truncated'
  | 'trailing-bytes'
  | 'non-canonical-compactsize'
  | 'oversized-count'
  | 'oversized-length'
  | 'bad-hex'
  | 'superfluous-witness'
  | 'unknown-tx-flags'
  | 'out-of-range'
  /** A peer id or multiaddr in an address message that does not parse. */
  | 'bad-address';

/** The only error a decoder throws: malformed input never surfaces as a RangeError or TypeError. */
export class DecodeError extends Error {
  readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'DecodeError';
    this.code = code;
  }
}
