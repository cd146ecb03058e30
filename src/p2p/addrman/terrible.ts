/**
 * Core's AddrInfo::IsTerrible and GetChance: when an entry is not worth keeping (its slot may be
 * taken, getaddr leaves it out) and how likely select() is to pick it.
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** How old an address may be before it is terrible (Core's ADDRMAN_HORIZON). */
export const HORIZON_MS = 30 * DAY;
/** Attempts without any success that make an address terrible (ADDRMAN_RETRIES). */
export const RETRIES = 3;
/** Failures since the last success that make an address terrible (ADDRMAN_MAX_FAILURES) ... */
export const MAX_FAILURES = 10;
/** ... when that success is older than this (ADDRMAN_MIN_FAIL). */
export const MIN_FAIL_MS = 7 * DAY;

export interface Liveness {
  lastSeen: number;
  lastSuccess: number;
  lastTry: number;
  attempts: number;
}

export function isTerrible(info: Liveness, now: number): boolean {
  if (info.lastTry > 0 && now - info.lastTry <= MINUTE) return false; // just tried: give it a chance
  if (info.lastSeen > now + 10 * MINUTE) return true; // from the future
  if (now - info.lastSeen > HORIZON_MS) return true; // not heard of in a month
  if (info.lastSuccess === 0 && info.attempts >= RETRIES) return true; // never answered
  if (now - info.lastSuccess > MIN_FAIL_MS && info.attempts >= MAX_FAILURES) return true; // gone for a week
  return false;
}

/** Relative chance of being picked: tried in the last 10 minutes ×0.01, each failed attempt ×0.66 (up to 8). */
export function chance(info: Liveness, now: number): number {
  let factor = 1;
  if (Math.max(now - info.lastTry, 0) < 10 * MINUTE) factor *= 0.01;
  return factor * 0.66 ** Math.min(info.attempts, 8);
}
