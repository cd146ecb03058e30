/**
 * HTTP basic auth as Core's: a configured user and password, or else a random cookie written to
 * `<datadir>/.cookie` as `__cookie__:<hex>` (mode 0600) and removed on a clean stop, so local
 * tools read it instead of needing a password.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const COOKIE_USER = '__cookie__';
export const COOKIE_FILE = '.cookie';

export interface Credentials {
  user: string;
  password: string;
}

export function cookiePath(networkDir: string): string {
  return join(networkDir, COOKIE_FILE);
}

/** Writes a fresh cookie; returns the credentials it holds. */
export function writeCookie(networkDir: string): Credentials {
  const credentials = { user: COOKIE_USER, password: randomBytes(32).toString('hex') };
  writeFileSync(cookiePath(networkDir), `${credentials.user}:${credentials.password}`, { mode: 0o600 });
  return credentials;
}

export function readCookie(networkDir: string): Credentials {
  const text = readFileSync(cookiePath(networkDir), 'utf8').trim();
  const colon = text.indexOf(':');
  if (colon < 0) throw new Error(`${cookiePath(networkDir)} is not a user:password cookie`);
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function removeCookie(networkDir: string): void {
  rmSync(cookiePath(networkDir), { force: true });
}

export function basicAuthHeader(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
}

/**
 * A checker for one set of credentials. The header a client sends is almost always exactly
 * `basicAuthHeader(expected)`, so that is compared first, in constant time, without decoding
 * base64 or allocating per request; any other spelling (padding, spacing) takes the decoding path.
 */
export function basicAuthChecker(expected: Credentials): (header: string | undefined) => boolean {
  const exact = basicAuthHeader(expected);
  return (header) => {
    if (header !== undefined && sameTextInConstantTime(header, exact)) return true;
    return checkBasicAuth(header, expected);
  };
}

/** Every character is looked at whatever the first difference (only the length may leak, as with timingSafeEqual). */
function sameTextInConstantTime(given: string, wanted: string): boolean {
  if (given.length !== wanted.length) return false;
  let difference = 0;
  for (let i = 0; i < wanted.length; i++) difference |= given.charCodeAt(i) ^ wanted.charCodeAt(i);
  return difference === 0;
}

/** Constant-time check of an Authorization header against the expected credentials. */
export function checkBasicAuth(header: string | undefined, expected: Credentials): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const given = Buffer.from(header.slice(6).trim(), 'base64');
  const wanted = Buffer.from(`${expected.user}:${expected.password}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
