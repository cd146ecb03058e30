/**
 * The connection manager: Core's ThreadOpenConnections, ThreadOpenAddedConnections and inbound
 * eviction over libp2p. Every `tickMs` it
 * 1. redials manual peers (--peer, addnode add, --connect) that are down, with exponential backoff;
 * 2. with --connect, stops there (no other outbound, no feelers);
 * 3. dials saved anchors first, as block-relay-only;
 * 4. fills the outbound-full-relay slots from the address book, then (once those are all taken)
 *    the block-relay-only ones (./slot-order.ts), never two outbound peers in one network group
 *    (manual peers count for the groups, as Core);
 * 5. when every slot is full, every ~feelerIntervalMs opens a feeler: a short connection to
 *    test a new-table address (or the incumbent of a tried-table collision), marked good on a
 *    successful handshake and then closed;
 * 6. adds the seeds to the book when it is empty, or when no outbound connection has existed
 *    for seedDelayMs (Core's fixed seeds).
 * Inbound connections past the inbound cap evict one inbound peer (./eviction.ts) or are refused.
 * The peers it counts are in live-peers.ts, the manual ones and their backoff in manual-peers.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { AddressBook, AddressEntry } from '../addrman/types.js';
import { NODE_NETWORK, NODE_WITNESS } from '../addrman/types.js';

import type { Stack } from '../stack.js';
import { exponential } from './addr-relay.js';
import { MAX_ANCHORS, saveAnchors, takeAnchors } from './anchors.js';
import { selectToEvict } from './eviction.js';
import { LivePeers } from './live-peers.js';
import { ManualPeers } from './manual-peers.js';
import { peerIdOf, stripPeerId, withPeerId } from './peer-ids.js';
import { slotToFill } from './slot-order.js';
import type { ConnectionType } from './types.js';
import type { Logger } from '../../util/logger.js';

export interface ConnectionManagerOptions {
  /** Outbound full-relay target (Core's 8). */
  maxOutbound: number;
  /** Outbound block-relay-only target (Core's 2). */
  blockRelayOnly: number;
  /** Inbound connections allowed. */
  maxInbound: number;
  /** --connect: only these, nothing from the book. */
  connect: readonly string[];
  /** --peer / addnode: kept connected. */
  manual: readonly string[];
  seeds: readonly string[];
  feelerIntervalMs: number;
  /** A book address tried this recently is skipped (Core: 10 minutes, unless it failed 30 times). */
  retryDelayMs: number;
  /** With no outbound connection for this long, the seeds go into the book again. */
  seedDelayMs: number;
  tickMs: number;
  /** Manual peers' backoff: first retry, and the ceiling it doubles up to. */
  manualRetryMs: number;
  manualRetryMaxMs: number;
  bookFlushMs: number;
  dataDir?: string;
}

export interface ConnectionManagerModules {
  stack: Stack;
  book: AddressBook;
  groupOf(address: string): string;
  isBanned(peerId: string): boolean;
  logger: Logger;
  now?: () => number;
}

/** Core's MAX_ADDNODE_CONNECTIONS and its feeler slot: not counted in the inbound cap. */
export const MANUAL_SLOTS = 8;
const SELECT_TRIES = 100;

export class ConnectionManager {
  private readonly peers: LivePeers;
  private readonly manual: ManualPeers;
  private anchors: string[] = [];
  private readonly evictionKey = randomBytes(16).toString('hex');
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private nextFeeler = 0;
  private lastOutboundAt: number;
  private seededAt = -Infinity;
  private stopped = false;
  /** Core's fNetworkActive (setnetworkactive): while false nothing is dialled. */
  private active = true;

  constructor(
    private readonly options: ConnectionManagerOptions,
    private readonly modules: ConnectionManagerModules,
  ) {
    this.now = modules.now ?? Date.now;
    this.peers = new LivePeers(this.now);
    this.manual = new ManualPeers({ firstMs: options.manualRetryMs, maxMs: options.manualRetryMaxMs });
    this.lastOutboundAt = this.now();
    for (const address of [...options.connect, ...options.manual]) this.addManual(address);
  }

  async start(): Promise<void> {
    this.anchors = this.options.connect.length > 0 ? [] : await takeAnchors(this.options.dataDir);
    this.nextFeeler = this.now() + exponential(this.options.feelerIntervalMs);
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
    this.flushTimer = setInterval(() => void this.modules.book.flush().catch((err) => this.modules.logger.warn({ err: String(err) }, 'could not save the address book')), this.options.bookFlushMs);
    this.flushTimer.unref();
    this.tick();
  }

  /** Saves the anchors and the book; call before the libp2p stack stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.flushTimer);
    const anchors = this.peers.anchors();
    if (this.options.connect.length === 0) await saveAnchors(this.options.dataDir, anchors.slice(0, MAX_ANCHORS)).catch((err) => this.modules.logger.warn({ err: String(err) }, 'could not save anchors'));
    await this.modules.book.flush();
  }

  typeOf(peerId: string): ConnectionType | undefined {
    return this.peers.typeOf(peerId);
  }

  /** Counts per connection type (for diagnostics and tests). */
  counts(): Record<ConnectionType, number> {
    return this.peers.counts();
  }

  /** Network groups of our outbound peers (the diversity the tests check). */
  outboundGroups(): string[] {
    return this.peers.outboundGroups();
  }

  /**
   * setnetworkactive: false stops every dial (the caller hangs up the peers); true dials again
   * at once, manual peers without their backoff.
   */
  setActive(active: boolean): void {
    this.active = active;
    if (!active) return;
    this.manual.resetBackoff();
    this.tick();
  }

  get isActive(): boolean {
    return this.active;
  }

  // ---- manual peers (addnode) ----

  /** addnode add: false when it is already in the list (Core's -23). */
  addManual(address: string): boolean {
    return this.manual.add(address);
  }

  /** addnode remove: false when it was not in the list (Core's -24). Does not disconnect, as Core. */
  removeManual(address: string): boolean {
    return this.manual.remove(address);
  }

  manualPeers(): Array<{ address: string; peerId: string; connected: boolean; type?: ConnectionType }> {
    return this.manual.all().map(({ address, peerId }) => ({ address, peerId, connected: this.peers.isConnected(peerId), type: this.peers.typeOf(peerId) }));
  }

  /** addnode onetry, and connect(): one dial as a manual connection. */
  async dialManual(address: string): Promise<string> {
    return this.dial([address], 'manual', peerIdOf(address));
  }

  // ---- events from the p2p node ----

  /** A connection opened: classify it, and make room for an inbound one. */
  connected(connection: Connection): void {
    const id = connection.remotePeer.toString();
    const type = this.peers.opened(connection, this.modules.groupOf(stripPeerId(connection.remoteAddr.toString())));
    if (type !== 'inbound') this.lastOutboundAt = this.now();
    if (type === 'inbound') this.admitInbound(id);
  }

  disconnected(peerId: string): void {
    const peer = this.peers.closed(peerId);
    // Core's Connected(): an outbound peer that was alive until now keeps a fresh lastSeen.
    if (peer && peer.ready && peer.type !== 'inbound') this.modules.book.connected(peerId);
  }

  /** The status handshake succeeded (same genesis). Returns the connection's type. */
  handshakeDone(peerId: string): ConnectionType | undefined {
    const type = this.peers.ready(peerId);
    if (type === undefined) return undefined;
    if (type !== 'inbound') this.modules.book.good(peerId);
    if (type === 'feeler') {
      this.modules.logger.debug({ peer: peerId }, 'feeler succeeded; disconnecting');
      void this.modules.stack.hangUp(peerIdFromString(peerId)).catch(() => undefined);
    }
    return type;
  }

  /** The peer gave us a new block or tx we accepted (eviction protects such peers). */
  relayed(peerId: string, what: 'block' | 'tx'): void {
    this.peers.relayed(peerId, what);
  }

  // ---- the loop ----

  private tick(): void {
    if (this.stopped || !this.active) return;
    try {
      this.dialManualPeers();
      if (this.options.connect.length > 0) return;
      this.dialAnchors();
      this.maybeSeed();
      this.fillOutbound('outbound-full-relay');
      // A second pass: the full-relay slots may have just been filled, leaving block-relay-only ones.
      this.fillOutbound('block-relay-only');
      this.maybeFeeler();
    } catch (err) {
      this.modules.logger.error({ err }, 'connection manager tick failed');
    }
  }

  private dialManualPeers(): void {
    const now = this.now();
    for (const peer of this.manual.all()) {
      if (this.peers.has(peer.peerId) || now < peer.nextTry || this.modules.isBanned(peer.peerId)) continue;
      this.dial([peer.address], 'manual', peer.peerId).then(
        () => this.manual.succeeded(peer),
        () => this.manual.failed(peer, this.now()),
      );
    }
  }

  private dialAnchors(): void {
    while (this.anchors.length > 0 && this.peers.count('block-relay-only') < this.options.blockRelayOnly) {
      const address = this.anchors.shift()!;
      const peerId = peerIdOf(address);
      if (this.peers.has(peerId) || this.modules.isBanned(peerId)) continue;
      this.modules.logger.info({ address }, 'dialling anchor');
      void this.dial([address], 'block-relay-only', peerId).catch(() => undefined);
    }
  }

  private maybeSeed(): void {
    if (this.options.seeds.length === 0) return;
    const now = this.now();
    const stalled = this.peers.countOutbound() === 0 && now - this.lastOutboundAt >= this.options.seedDelayMs;
    if (!(this.modules.book.size === 0 || stalled) || now - this.seededAt < this.options.seedDelayMs) return;
    this.seededAt = now;
    this.lastOutboundAt = now;
    const records = this.options.seeds.map((address) => ({ peerId: peerIdOf(address), multiaddrs: [stripPeerId(address)], services: NODE_NETWORK | NODE_WITNESS, lastSeen: now }));
    const added = this.modules.book.add(records, { peerId: this.modules.stack.peerId.toString() });
    this.modules.logger.info({ seeds: records.length, added }, 'adding seed addresses to the address book');
  }

  /** Dials book addresses into the open slots of `type`, if slot-order.ts lets this type go next. */
  private fillOutbound(type: 'outbound-full-relay' | 'block-relay-only'): void {
    const slot = slotToFill({
      fullRelay: this.peers.count('outbound-full-relay'),
      maxFullRelay: this.options.maxOutbound,
      blockRelayOnly: this.peers.count('block-relay-only'),
      maxBlockRelayOnly: this.options.blockRelayOnly,
    });
    if (slot?.type !== type) return;
    let need = slot.need;
    const groups = new Set(this.peers.takenGroups());
    const now = this.now();
    for (let tries = 0; tries < this.selectTries() && need > 0; tries++) {
      const entry = this.modules.book.select();
      if (!entry) return;
      if (!this.dialable(entry, now) || groups.has(entry.group)) continue;
      groups.add(entry.group);
      need--;
      this.dialEntry(entry, type);
    }
  }

  private maybeFeeler(): void {
    const now = this.now();
    if (now < this.nextFeeler) return;
    if (this.peers.count('outbound-full-relay') < this.options.maxOutbound || this.peers.count('block-relay-only') < this.options.blockRelayOnly) return;
    if (this.peers.count('feeler') > 0) return;
    this.nextFeeler = now + exponential(this.options.feelerIntervalMs);
    this.modules.book.resolveCollisions(now);
    // Test-before-evict first: the tried entry a newcomer would displace gets the feeler.
    const collision = this.modules.book.selectTriedCollision();
    const groups = new Set(this.peers.takenGroups());
    for (let tries = 0; tries < this.selectTries(); tries++) {
      const entry = tries === 0 && collision ? collision : this.modules.book.select(true);
      if (!entry) return;
      if (!this.dialable(entry, now) || groups.has(entry.group)) continue;
      this.modules.logger.debug({ peer: entry.peerId, collision: entry === collision }, 'opening a feeler');
      this.dialEntry(entry, 'feeler');
      return;
    }
  }

  /**
   * Core tries up to 100 selections per connection; with a small book most would return the
   * same connected or recently tried entries, each select costing more the less likely its
   * pick, so a small book gets a few tries per entry instead.
   */
  private selectTries(): number {
    return Math.min(SELECT_TRIES, 2 * this.modules.book.size);
  }

  private dialable(entry: AddressEntry, now: number): boolean {
    const id = entry.peerId;
    if (id === this.modules.stack.peerId.toString() || this.peers.has(id) || this.modules.isBanned(id)) return false;
    if (entry.multiaddrs.length === 0) return false;
    // Core: an address tried in the last 10 minutes waits, unless it has failed 30 times.
    return !(now - entry.lastTry < this.options.retryDelayMs && entry.attempts < 30);
  }

  private dialEntry(entry: AddressEntry, type: ConnectionType): void {
    this.dial(entry.multiaddrs.map((address) => withPeerId(address, entry.peerId)), type, entry.peerId, entry.group).catch((err) => {
      this.modules.book.attempt(entry.peerId, true);
      this.modules.logger.debug({ peer: entry.peerId, type, err: String(err) }, 'outbound dial failed');
    });
  }

  private async dial(addresses: string[], type: ConnectionType, peerId: string, group?: string): Promise<string> {
    if (!this.active) throw new Error('Network activity is disabled (setnetworkactive false)');
    const connection = await this.peers.dialling(peerId, type, group, () => this.modules.stack.dial(addresses.map((address) => multiaddr(address))));
    return connection.remotePeer.toString();
  }

  /** Over the inbound cap: evict an inbound peer Core would, or refuse the newcomer. */
  private admitInbound(newcomer: string): void {
    if (this.peers.count('inbound') <= this.options.maxInbound) return;
    const candidates = this.peers.inbound((id) => this.pingOf(id)).filter((candidate) => candidate.id !== newcomer);
    const victim = (this.options.maxInbound > 0 ? selectToEvict(candidates, this.evictionKey) : undefined) ?? newcomer;
    this.modules.logger.info({ peer: victim, refused: victim === newcomer }, victim === newcomer ? 'inbound slots full; refusing' : 'inbound slots full; evicting');
    this.peers.closed(victim);
    void this.modules.stack.hangUp(peerIdFromString(victim)).catch(() => undefined);
  }

  private pingOf(peerId: string): number {
    const rtt = this.modules.stack.getConnections(peerIdFromString(peerId))[0]?.rtt;
    return rtt === undefined ? Infinity : rtt;
  }
}
