/**
 * Amounts cross the RPC boundary as JSON numbers in coins with 8 decimals, as Core's. Internally
 * they are bigint base units, so conversion is exact both ways:
 * - out: `amountJson` renders the decimal text itself ("50.00000000"), spliced in raw by json.ts,
 *   so no float ever holds an amount on the way out;
 * - in: a decimal string is parsed digit by digit; a JSON number (already a double once parsed)
 *   is mapped to the unique 8-decimal amount whose nearest double it is. Within the money range a
 *   double is precise to < 2e-9, so that amount exists and is unique; a number that is not the
 *   nearest double of any 8-decimal value (0.123456789) is refused, as Core refuses 9 decimals.
 */
import { RpcCode, RpcError } from './errors.js';

export const COIN = 100_000_000n;
const MAX_MONEY = 21_000_000n * COIN;

/** Base units → "12.34500000". */
export function formatCoins(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = `${abs / COIN}.${(abs % COIN).toString().padStart(8, '0')}`;
  return negative ? `-${text}` : text;
}

/** An amount in a result: serialized as a bare JSON number with exactly 8 decimals. */
export class Amount {
  constructor(readonly value: bigint) {}

  toString(): string {
    return formatCoins(this.value);
  }
}

export function amountJson(value: bigint): Amount {
  return new Amount(value);
}

function invalidAmount(): RpcError {
  return new RpcError(RpcCode.TYPE_ERROR, 'Invalid amount');
}

/** "1.5" → 150000000n; at most 8 decimals, no exponent, no sign unless `allowNegative`. */
export function parseCoinString(text: string, allowNegative = false): bigint {
  const match = /^(-?)(\d{1,8})(?:\.(\d{0,8}))?$/.exec(text.trim());
  if (!match || (match[1] && !allowNegative)) throw invalidAmount();
  const value = BigInt(match[2]) * COIN + BigInt((match[3] ?? '').padEnd(8, '0'));
  return match[1] ? -value : value;
}

/** An amount parameter (number or string, as Core's AmountFromValue); refuses out-of-range values with -3. */
export function parseAmount(value: unknown, options: { allowNegative?: boolean } = {}): bigint {
  let sats: bigint;
  if (typeof value === 'string') sats = parseCoinString(value, options.allowNegative);
  else if (typeof value === 'number' && Number.isFinite(value)) sats = fromDouble(value);
  else throw new RpcError(RpcCode.TYPE_ERROR, 'Amount is not a number or string');
  if ((sats < 0n && !options.allowNegative) || sats > MAX_MONEY || sats < -MAX_MONEY) throw new RpcError(RpcCode.TYPE_ERROR, 'Amount out of range');
  return sats;
}

function fromDouble(value: number): bigint {
  if (Math.abs(value) > 1e16) throw new RpcError(RpcCode.TYPE_ERROR, 'Amount out of range');
  // toFixed rounds the double's exact binary value, so this is the nearest 8-decimal amount.
  const fixed = value.toFixed(8);
  if (Number(fixed) !== value) throw invalidAmount();
  return parseCoinString(fixed, true);
}
