/**
 * Response serialization. JSON.stringify cannot write a number with trailing zeros, so an Amount
 * is first written as a marker string and the marker then replaced by the raw decimal text. The
 * marker carries a random per-process token, so no string a caller controls can imitate it.
 */
import { randomBytes } from 'node:crypto';
import { Amount } from './amounts.js';

const TOKEN = randomBytes(8).toString('hex');
const MARKER = new RegExp(`"amount-${TOKEN}:(-?[0-9]+\\.[0-9]{8})"`, 'g');

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Amount) return `amount-${TOKEN}:${value.toString()}`;
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** JSON text with amounts as 8-decimal numbers and bigints as numbers. */
export function stringifyJson(value: unknown): string {
  // A number, string or boolean cannot hold an amount: no replacer walk (most calls answer one).
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  const text = JSON.stringify(value, replacer);
  if (text === undefined) return 'null';
  return text.includes(TOKEN) ? text.replace(MARKER, '$1') : text;
}
