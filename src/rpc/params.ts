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

const HEX = /^([0-9a-fA-F]{2})*$/;

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
    return value as number;
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
    if (!HEX.test(text)) throw invalidParameter(`${name} must be hexadecimal string (not '${text}')`);
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
  if (!/^[0-9a-fA-F]*$/.test(text)) throw invalidParameter(`${name} must be hexadecimal string (not '${text}')`);
  if (text.length !== 64) throw invalidParameter(`${name} must be of length 64 (not ${text.length}, for '${text}')`);
  return text.toLowerCase();
}

/** Core's -32602 for a call with the wrong number of arguments, with the method's usage line. */
export function arityError(usage: string): RpcError {
  return new RpcError(RpcCode.INVALID_PARAMS, `Invalid number of parameters; usage: ${usage}`);
}
