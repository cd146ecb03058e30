import type { Logger } from '../../util/logger.js';
/** The address book's options, plain data with Core's defaults in one place. */

export interface AddrManOptions {
  /** Where `peers.json` lives; none keeps the book in memory only. */
  dataDir?: string;
  /** New-table buckets (Core's ADDRMAN_NEW_BUCKET_COUNT). */
  newBuckets?: number;
  /** Tried-table buckets (ADDRMAN_TRIED_BUCKET_COUNT). */
  triedBuckets?: number;
  /** Slots per bucket (ADDRMAN_BUCKET_SIZE). */
  bucketSize?: number;
  /** The clock, milliseconds since the epoch (tests move it). */
  now?: () => number;
}

export interface AddrManModules {
  logger?: Logger;
}

export const defaultAddrManOptions = {
  newBuckets: 1024,
  triedBuckets: 256,
  bucketSize: 64,
  now: Date.now,
} as const satisfies Required<Omit<AddrManOptions, 'dataDir'>>;

export type ResolvedAddrManOptions = Required<Omit<AddrManOptions, 'dataDir'>> & { dataDir?: string };

export function resolveAddrManOptions(options: AddrManOptions): ResolvedAddrManOptions {
  const resolved = { ...defaultAddrManOptions, ...stripUndefined(options) };
  for (const name of ['newBuckets', 'triedBuckets', 'bucketSize'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 1 || value > 1 << 16) throw new RangeError(`addrman ${name} must be an integer in 1..65536, not ${value}`);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
