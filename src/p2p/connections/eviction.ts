/**
 * Which inbound peer to drop when inbound slots are full: Core's SelectNodeToEvict. Peers with
 * properties an attacker finds hard to fake are protected, in turn: 4 by a keyed hash of their
 * network group (an attacker cannot predict which groups win), the 8 with the lowest ping, the 4
 * that most recently relayed a new tx, the 4 that most recently relayed a new block, then half
 * of the rest by longest uptime. Of what remains, the network group with the most connections
 * loses its youngest member. Nothing left: the newcomer is refused instead.
 */
import { createHash } from 'node:crypto';

export interface EvictionCandidate {
  id: string;
  /** When the connection opened (ms). */
  connectedAt: number;
  /** Lowest ping seen (ms); Infinity before any. */
  minPingMs: number;
  /** Last time the peer gave us a new block / tx we accepted (ms); 0: never. */
  lastBlockAt: number;
  lastTxAt: number;
  /** Network group of its address. */
  group: string;
}

const PROTECT_BY_GROUP = 4;
const PROTECT_BY_PING = 8;
const PROTECT_BY_TX = 4;
const PROTECT_BY_BLOCK = 4;

/** `key` is a per-node secret, so which groups are protected differs between nodes. */
export function selectToEvict(candidates: readonly EvictionCandidate[], key: string): string | undefined {
  let rest = [...candidates];
  const keyed = (group: string) => createHash('sha256').update(key).update(group).digest().readBigUInt64BE(0);
  rest = protect(rest, PROTECT_BY_GROUP, (a, b) => compareBig(keyed(a.group), keyed(b.group)));
  rest = protect(rest, PROTECT_BY_PING, (a, b) => b.minPingMs - a.minPingMs);
  rest = protect(rest, PROTECT_BY_TX, (a, b) => a.lastTxAt - b.lastTxAt || b.connectedAt - a.connectedAt);
  rest = protect(rest, PROTECT_BY_BLOCK, (a, b) => a.lastBlockAt - b.lastBlockAt || b.connectedAt - a.connectedAt);
  rest = protect(rest, Math.floor(rest.length / 2), (a, b) => b.connectedAt - a.connectedAt);
  if (rest.length === 0) return undefined;
  return youngestOfLargestGroup(rest);
}

/** Sorts so the best come last (Core's EraseLastKElements) and keeps all but the last `k`. */
function protect(list: EvictionCandidate[], k: number, compare: (a: EvictionCandidate, b: EvictionCandidate) => number): EvictionCandidate[] {
  const sorted = [...list].sort(compare);
  return sorted.slice(0, Math.max(0, sorted.length - k));
}

function youngestOfLargestGroup(rest: readonly EvictionCandidate[]): string {
  const groups = new Map<string, EvictionCandidate[]>();
  for (const peer of rest) groups.set(peer.group, [...(groups.get(peer.group) ?? []), peer]);
  let chosen: EvictionCandidate[] = [];
  let chosenNewest = -Infinity;
  for (const members of groups.values()) {
    const newest = Math.max(...members.map((m) => m.connectedAt));
    // Most connections wins; a tie goes to the group with the youngest member, as Core.
    if (members.length > chosen.length || (members.length === chosen.length && newest > chosenNewest)) {
      chosen = members;
      chosenNewest = newest;
    }
  }
  return chosen.reduce((a, b) => (b.connectedAt > a.connectedAt ? b : a)).id;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
