/**
 * What the book accepts from a peer: a parsable peer id and at most a few parsable, dialable
 * (TCP) multiaddrs without a /p2p suffix. Everything else is dropped before it touches a bucket.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { DAY, MINUTE } from './terrible.js';
import type { AddressRecord } from './types.js';

/** More multiaddrs than this in one record is not a node's listen set but an attempt to bloat the book. */
export const MAX_MULTIADDRS_PER_RECORD = 8;
const MAX_MULTIADDR_LENGTH = 256;
const MAX_PEER_ID_LENGTH = 128;

/** Addresses claiming to be this far ahead (or absurdly old) are treated as five days old, as Core does. */
const FUTURE_LIMIT_MS = 10 * MINUTE;
const UNKNOWN_AGE_MS = 5 * DAY;
const MIN_PLAUSIBLE_TIME = 100_000_000_000; // Core's nTime <= 100000000 (1973), in ms

const HOST_PROTOCOLS = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr']);

export function isValidPeerId(peerId: unknown): peerId is string {
  if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > MAX_PEER_ID_LENGTH) return false;
  try {
    peerIdFromString(peerId);
    return true;
  } catch {
    return false;
  }
}

/** A multiaddr we can dial over TCP: host then tcp port, nothing after (no relay, no /p2p). */
export function isDialable(address: unknown): address is string {
  return typeof address === 'string' && normalise(address) === address;
}

/**
 * The record's dialable multiaddrs, normalised (a trailing /p2p/<its own id> is dropped, non-TCP
 * transports are left out). Undefined when there are more than MAX, any does not parse, or none is left.
 */
export function dialableMultiaddrs(list: unknown, peerId: string): string[] | undefined {
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_MULTIADDRS_PER_RECORD) return undefined;
  const out: string[] = [];
  for (const item of list) {
    const normal = normalise(item, peerId);
    if (normal === null) return undefined;
    if (normal !== undefined && !out.includes(normal)) out.push(normal);
  }
  return out.length > 0 ? out : undefined;
}

/** `/host/tcp/port` when dialable, undefined when it parses but is not, null when it does not parse. */
function normalise(address: unknown, peerId?: string): string | undefined | null {
  if (typeof address !== 'string' || address.length > MAX_MULTIADDR_LENGTH) return null;
  let parts: { name: string; value?: string }[];
  try {
    parts = multiaddr(address).getComponents();
  } catch {
    return null;
  }
  if (parts.length === 3 && parts[2].name === 'p2p' && parts[2].value === peerId) parts = parts.slice(0, 2);
  if (parts.length !== 2 || !HOST_PROTOCOLS.has(parts[0].name) || parts[1].name !== 'tcp') return undefined;
  const port = Number(parts[1].value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return `/${parts[0].name}/${parts[0].value}/tcp/${port}`;
}

export function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isServices(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/** A peer's record made safe to store, or undefined when it must be dropped. */
export function sanitiseRecord(record: AddressRecord, now: number): AddressRecord | undefined {
  if (record === null || typeof record !== 'object' || !isValidPeerId(record.peerId)) return undefined;
  const multiaddrs = dialableMultiaddrs(record.multiaddrs, record.peerId);
  if (multiaddrs === undefined) return undefined;
  const services = isServices(record.services) ? record.services : 0;
  let lastSeen = typeof record.lastSeen === 'number' && Number.isFinite(record.lastSeen) ? Math.floor(record.lastSeen) : 0;
  // Core's ProcessAddr: a time from the future or from before 1973 becomes "five days ago".
  if (lastSeen <= MIN_PLAUSIBLE_TIME || lastSeen > now + FUTURE_LIMIT_MS) lastSeen = now - UNKNOWN_AGE_MS;
  return { peerId: record.peerId, multiaddrs, services, lastSeen };
}
