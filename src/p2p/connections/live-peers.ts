/**
 * The connection manager's view of its peers: each open connection with its type, network group
 * and last relay times, and each dial under way with the type the connection will have. Slot
 * counts and outbound group diversity are read from here.
 */
import type { Connection } from '@libp2p/interface';
import type { EvictionCandidate } from './eviction.js';
import { withPeerId } from './peer-ids.js';
import type { ConnectionType } from './types.js';

interface LivePeer {
  type: ConnectionType;
  group: string;
  address: string;
  connectedAt: number;
  lastBlockAt: number;
  lastTxAt: number;
  ready: boolean;
}

export class LivePeers {
  private readonly live = new Map<string, LivePeer>();
  /** Dials under way: peer id → the type the connection will have and the group dialled. */
  private readonly pending = new Map<string, { type: ConnectionType; group?: string }>();

  constructor(private readonly now: () => number) {}

  /** Connected, or being dialled. */
  has(peerId: string): boolean {
    return this.live.has(peerId) || this.pending.has(peerId);
  }

  isConnected(peerId: string): boolean {
    return this.live.has(peerId);
  }

  typeOf(peerId: string): ConnectionType | undefined {
    return this.live.get(peerId)?.type;
  }

  /** Runs `dial` with the peer counted as pending (its slot and group taken) until it settles. */
  async dialling<T>(peerId: string, type: ConnectionType, group: string | undefined, dial: () => Promise<T>): Promise<T> {
    this.pending.set(peerId, { type, group });
    try {
      return await dial();
    } finally {
      this.pending.delete(peerId);
    }
  }

  /** A connection opened: an inbound one, or the type we dialled it as (manual when we did not). */
  opened(connection: Connection, group: string): ConnectionType {
    const id = connection.remotePeer.toString();
    const address = connection.remoteAddr.toString().replace(/\/p2p\/[^/]+$/, '');
    const type: ConnectionType = connection.direction === 'inbound' ? 'inbound' : (this.pending.get(id)?.type ?? 'manual');
    this.live.set(id, { type, group, address, connectedAt: this.now(), lastBlockAt: 0, lastTxAt: 0, ready: false });
    return type;
  }

  /** Forgets a peer; answers what it was. */
  closed(peerId: string): { type: ConnectionType; ready: boolean } | undefined {
    const peer = this.live.get(peerId);
    this.live.delete(peerId);
    return peer;
  }

  /** Marks the handshake done; answers the type, or undefined when unknown or done before. */
  ready(peerId: string): ConnectionType | undefined {
    const peer = this.live.get(peerId);
    if (!peer || peer.ready) return undefined;
    peer.ready = true;
    return peer.type;
  }

  relayed(peerId: string, what: 'block' | 'tx'): void {
    const peer = this.live.get(peerId);
    if (!peer) return;
    if (what === 'block') peer.lastBlockAt = this.now();
    else peer.lastTxAt = this.now();
  }

  /** Connected and dialling peers of one type. */
  count(type: ConnectionType): number {
    let n = 0;
    for (const peer of this.live.values()) if (peer.type === type) n++;
    for (const pending of this.pending.values()) if (pending.type === type) n++;
    return n;
  }

  /** Counts per connection type, connected only. */
  counts(): Record<ConnectionType, number> {
    const counts: Record<ConnectionType, number> = { inbound: 0, 'outbound-full-relay': 0, 'block-relay-only': 0, manual: 0, feeler: 0 };
    for (const peer of this.live.values()) counts[peer.type]++;
    return counts;
  }

  /** Connected outbound peers, feelers left out. */
  countOutbound(): number {
    return [...this.live.values()].filter((peer) => peer.type !== 'inbound' && peer.type !== 'feeler').length;
  }

  /** Network groups of the automatic outbound peers. */
  outboundGroups(): string[] {
    return [...this.live.values()].filter((peer) => peer.type === 'outbound-full-relay' || peer.type === 'block-relay-only').map((peer) => peer.group);
  }

  /** Groups no new outbound peer may share: every connected or dialled outbound one, manual included (Core). */
  takenGroups(): string[] {
    const live = [...this.live.values()].filter((peer) => peer.type !== 'inbound' && peer.type !== 'feeler').map((peer) => peer.group);
    const pending = [...this.pending.values()].filter((p) => p.type !== 'feeler' && p.group !== undefined).map((p) => p.group!);
    return [...live, ...pending];
  }

  /** Addresses of the block-relay-only peers that completed the handshake (the anchors to save). */
  anchors(): string[] {
    return [...this.live.entries()].filter(([, peer]) => peer.type === 'block-relay-only' && peer.ready).map(([id, peer]) => withPeerId(peer.address, id));
  }

  /** The inbound peers with what eviction weighs; `pingOf` reads a peer's round trip. */
  inbound(pingOf: (peerId: string) => number): EvictionCandidate[] {
    return [...this.live.entries()]
      .filter(([, peer]) => peer.type === 'inbound')
      .map(([id, peer]) => ({ id, connectedAt: peer.connectedAt, minPingMs: pingOf(id), lastBlockAt: peer.lastBlockAt, lastTxAt: peer.lastTxAt, group: peer.group }));
  }
}
