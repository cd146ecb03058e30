/**
 * Typed access to a call's positional parameters, failing as Core does: a JSON value of the wrong
 * type is -3 "JSON value of type X is not of expected type Y"; a well-typed but unusable value is
 * -8 (or the method's own code). Null counts as omitted, as in Core.
 */
import { RpcCode, RpcError, invalidParameter, typeError } from './errors.js';
import { parseAmount } from './amounts.js';

export type JsonType = 'null' | 'bool' | 'number' | 'string' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return Array.isArray(value) ? 'array' : 'object';
}

function expect(value: unknown, type: JsonType): void {
  const actual = jsonType(value);
  if (actual !== type) throw typeError(`JSON value of type ${actual} is not of expected type ${type}`);
}

/**
 * Hex digits only, checked by a plain loop: a regular expression with a repeated group
 * backtracks per character, and a multi-megabyte argument must cost linear time, never the stack.
 */
export function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** Long arguments are cut in error messages, so an answer never echoes megabytes back. */
export function quoted(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** Core's largest fee rate, in sat/vB: AmountFromValue's money range with 3 decimals. */
const MAX_FEE_RATE_SAT_VB = 21_000_000 * 100_000_000;

export class Params {
  constructor(private readonly values: readonly unknown[]) {}

  get length(): number {
    return this.values.length;
  }

  has(index: number): boolean {
    const value = this.values[index];
    return value !== undefined && value !== null;
  }

  raw(index: number): unknown {
    return this.values[index];
  }

  string(index: number): string;
  string(index: number, fallback: string): string;
  string(index: number, fallback?: string): string | undefined;
  string(index: number, fallback?: string): string | undefined {
    if (!this.has(index)) return fallback;
    const value = this.values[index];
    expect(value, 'string');
    return value as string;
  }

  bool(index: number, fallback: boolean): boolean {
    if (!this.has(index)) return fallback;
    const value = this.values[index];
    expect(value, 'bool');
    return value as boolean;
  }

  number(index: number, fallback?: number): number {
    if (!this.has(index)) {
      if (fallback === undefined) throw invalidParameter(`missing parameter ${index + 1}`);
      return fallback;
    }
    const value = this.values[index];
    expect(value, 'number');
    // JSON.parse reads 1e400 as Infinity; no method can use it, and BigInt() would throw on it.
    if (!Number.isFinite(value)) throw typeError('JSON number out of range');
    return value as number;
  }

  /** A fee rate in sat/vB (Core's fee_rate: a number or numeric string, at most 3 decimals, in money range). */
  feeRate(index: number): number | undefined {
    if (!this.has(index)) return undefined;
    const value = this.values[index];
    const rate = typeof value === 'string' && /^[0-9]{1,20}(\.[0-9]{0,3})?$/.test(value) ? Number(value) : value;
    if (typeof rate !== 'number') throw typeError('Amount is not a number or string');
    if (!Number.isFinite(rate) || rate < 0 || rate > MAX_FEE_RATE_SAT_VB) throw typeError('Amount out of range');
    if (Math.round(rate * 1000) / 1000 !== rate) throw typeError('Invalid amount');
    return rate;
  }

  /** An integer in [min, max]; Core's message for out-of-range values is the method's, passed as `what`. */
  int(index: number, options: { fallback?: number; min?: number; max?: number; what?: string } = {}): number {
    const value = this.number(index, options.fallback);
    if (!Number.isSafeInteger(value)) throw typeError(`JSON integer out of range`);
    const { min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    if (value < min || value > max) throw invalidParameter(options.what ?? `parameter ${index + 1} must be from ${min} to ${max}, got ${value}`);
    return value;
  }

  array(index: number, fallback?: unknown[]): unknown[] {
    if (!this.has(index)) {
      if (fallback === undefined) throw invalidParameter(`missing parameter ${index + 1}`);
      return fallback;
    }
    const value = this.values[index];
    expect(value, 'array');
    return value as unknown[];
  }

  object(index: number, fallback?: Record<string, unknown>): Record<string, unknown> {
    if (!this.has(index)) {
      if (fallback === undefined) throw invalidParameter(`missing parameter ${index + 1}`);
      return fallback;
    }
    const value = this.values[index];
    expect(value, 'object');
    return value as Record<string, unknown>;
  }

  /** A 64-character display-order hash, lower-cased (Core's ParseHashV messages). */
  hash(index: number, name: string): string {
    return parseHash(this.string(index) ?? missing(name), name);
  }

  /** Hex bytes (Core's ParseHexV messages). */
  hex(index: number, name: string): string {
    const text = this.string(index) ?? missing(name);
    if (text.length % 2 !== 0 || !isHex(text)) throw invalidParameter(`${name} must be hexadecimal string (not '${quoted(text)}')`);
    return text.toLowerCase();
  }

  amount(index: number): bigint {
    if (!this.has(index)) throw invalidParameter(`missing amount`);
    return parseAmount(this.values[index]);
  }
}

function missing(name: string): never {
  throw invalidParameter(`${name} is required`);
}

export function parseHash(text: string, name: string): string {
  if (!isHex(text)) throw invalidParameter(`${name} must be hexadecimal string (not '${quoted(text)}')`);
  if (text.length !== 64) throw invalidParameter(`${name} must be of length 64 (not ${text.length}, for '${quoted(text)}')`);
  return text.toLowerCase();
}

/**
 * Core's answer to a call with the wrong number of arguments: RPCHelpMan throws its help text as
 * a runtime_error, which the server answers as RPC_MISC_ERROR (-1) with the text as message.
 */
export function arityError(help: string): RpcError {
  return new RpcError(RpcCode.MISC_ERROR, help);
}

/** Core's -3 for null in a required position (RPCArg::MatchesType; null is only allowed for optional arguments). */
export function requiredNullError(position: number, name: string): RpcError {
  return typeError(`Wrong type passed:\n{\n    "Position ${position} (${name})": "JSON value of type null is not of expected type for a required argument"\n}`);
}
