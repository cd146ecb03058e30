/**
 * Address relay over addr/1, as Core's net_processing does it:
 * - to each outbound full-relay or manual peer, once the handshake is done, we send one
 *   getaddr; its answer is processed as solicited (Core grants the peer's budget 1,000 first);
 * - we answer one getaddr per connection, from inbound peers only (Core: answering outbound
 *   peers would let them fingerprint us), with the book's GetAddr(1000, 23%);
 * - each addr-relaying peer hears our own address soon after the handshake and then at
 *   randomised intervals (Core's AdvertiseLocal, 24 h on average on main);
 * - unsolicited messages of at most 10 addresses, seen in the last 10 minutes, are relayed to 2
 *   peers picked by a keyed hash of the address and the day, so repeats go the same way;
 * - every peer has a token bucket (0.1 address/s, at most 1,000): addresses past it are
 *   dropped, not punished;
 * - nothing of this happens with block-relay-only peers and feelers. An inbound peer takes part
 *   only once it sends getaddr or addr (Core's m_addr_relay_enabled), so the other side of a
 *   block-relay-only connection never hears addresses either.
 * Outgoing addresses are trickled: queued per peer and sent every `trickleMs`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { peerIdFromString } from '@libp2p/peer-id';
import type { AddressBook, AddressRecord } from '../addrman/types.js';
import { MAX_ADDR_PER_MESSAGE } from '../protocols/addr-messages.js';
import { type AddrContext, pushAddrs, requestAddrs, serveAddr } from '../protocols/addr.js';
import { BoundedSet } from '../../util/bounded-set.js';
import { ADDR_LIMITS, TokenBucket, type TokenBucketLimits } from './token-bucket.js';
import type { ConnectionType } from './types.js';

/** Core: addresses relayed by others are aged by 2 hours before they enter the book. */
export const RELAY_PENALTY_MS = 2 * 60 * 60 * 1000;
const RELAY_MAX_ADDRESSES = 10;
const RELAY_MAX_AGE_MS = 10 * 60 * 1000;
const RELAY_PEERS = 2;
const RELAY_ROTATION_MS = 24 * 60 * 60 * 1000;
/** Core's m_addr_known: a bounded memory of which addresses each peer already has. */
const KNOWN_PER_PEER = 5_000;
/** Messages (not addresses) a peer may send per second before they count as a flood. */
const MESSAGE_LIMITS: TokenBucketLimits = { perSecond: 2, burst: 20 };
const FUTURE_SLACK_MS = 10 * 60 * 1000;
const STALE_AGE_MS = 5 * 24 * 60 * 60 * 1000;

export interface AddrRelayOptions {
  /** Average interval between self-announcements to each peer. */
  announceIntervalMs: number;
  /** How often queued addresses go out. */
  trickleMs: number;
  /** Advertise our own addresses at all (--discover). */
  discover: boolean;
  limits?: TokenBucketLimits;
}

export interface AddrRelayModules {
  context: AddrContext;
  book: AddressBook;
  /** Our own record (listen or announce addresses), undefined when we accept no inbound. */
  self(): AddressRecord | undefined;
  /** The connection type of a connected peer, undefined when not connected. */
  typeOf(peerId: string): ConnectionType | undefined;
  /** The connection's remote multiaddr (the source of what the peer tells us). */
  remoteAddr(peerId: string): string | undefined;
  now?: () => number;
}

interface PeerState {
  bucket: TokenBucket;
  messages: TokenBucket;
  relay: boolean;
  answeredGetaddr: boolean;
  known: BoundedSet<string>;
  queue: AddressRecord[];
  nextLocalSend: number;
}

/** Counters for tests and diagnostics. */
export interface AddrRelayStats {
  processed: number;
  rateLimited: number;
  relayed: number;
}

export class AddrRelay {
  readonly stats: AddrRelayStats = { processed: 0, rateLimited: 0, relayed: 0 };
  private readonly peers = new Map<string, PeerState>();
  private readonly key = randomBytes(32);
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly options: AddrRelayOptions,
    private readonly modules: AddrRelayModules,
  ) {
    this.now = modules.now ?? Date.now;
  }

  async start(): Promise<void> {
    await serveAddr(this.modules.context, {
      // Peers we exchange no addresses with (block-relay-only, feelers, --connect) are ignored, not punished.
      admit: (peer) => {
        const state = this.state(peer.toString());
        return state === undefined || state.messages.take(1) === 1;
      },
      getaddr: (peer) => this.answerGetaddr(peer.toString()),
      addr: (peer, records) => this.receive(peer.toString(), records, false),
    });
    this.timer = setInterval(() => this.trickle(), this.options.trickleMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.peers.clear();
  }

  /** The status handshake succeeded: outbound full-relay and manual peers get our getaddr. */
  peerReady(peerId: string, type: ConnectionType): void {
    if (type !== 'outbound-full-relay' && type !== 'manual') return;
    const state = this.state(peerId);
    if (!state) return;
    state.relay = true;
    void this.fetchAddrs(peerId, state);
  }

  peerGone(peerId: string): void {
    this.peers.delete(peerId);
  }

  /** Handles a push or a getaddr answer; returns how many addresses were processed. */
  receive(peerId: string, records: AddressRecord[], solicited: boolean): number {
    const state = this.state(peerId);
    if (!state) return 0;
    state.relay = true;
    const now = this.now();
    const accepted: AddressRecord[] = [];
    for (const record of shuffle(records)) {
      if (state.bucket.take(1) === 0) {
        this.stats.rateLimited++;
        continue;
      }
      state.known.add(record.peerId);
      if (record.peerId === this.modules.context.selfId) continue;
      const lastSeen = record.lastSeen <= 100_000_000_000 || record.lastSeen > now + FUTURE_SLACK_MS ? now - STALE_AGE_MS : record.lastSeen;
      const fixed = { ...record, lastSeen };
      if (!solicited && records.length <= RELAY_MAX_ADDRESSES && lastSeen > now - RELAY_MAX_AGE_MS) this.relay(fixed, peerId);
      accepted.push(fixed);
    }
    this.stats.processed += accepted.length;
    if (accepted.length > 0) this.modules.book.add(accepted, { peerId, multiaddr: this.modules.remoteAddr(peerId) }, RELAY_PENALTY_MS);
    return accepted.length;
  }

  /** Per-peer state, for peers whose connection type exchanges addresses; undefined otherwise. */
  private state(peerId: string): PeerState | undefined {
    const type = this.modules.typeOf(peerId);
    if (type === undefined || type === 'block-relay-only' || type === 'feeler') return undefined;
    let state = this.peers.get(peerId);
    if (!state) {
      const limits = this.options.limits ?? ADDR_LIMITS;
      state = {
        bucket: new TokenBucket(limits, 1, this.now),
        messages: new TokenBucket(MESSAGE_LIMITS, MESSAGE_LIMITS.burst, this.now),
        relay: false,
        answeredGetaddr: false,
        known: new BoundedSet<string>(KNOWN_PER_PEER),
        queue: [],
        // Our address goes out at the first trickle after addr relay starts (Core: at once).
        nextLocalSend: 0,
      };
      this.peers.set(peerId, state);
    }
    return state;
  }

  private answerGetaddr(peerId: string): AddressRecord[] {
    const state = this.state(peerId);
    if (!state || this.modules.typeOf(peerId) !== 'inbound' || state.answeredGetaddr) return [];
    state.answeredGetaddr = true;
    state.relay = true;
    const records = this.modules.book
      .getAddr(MAX_ADDR_PER_MESSAGE, 23)
      .filter((entry) => entry.peerId !== peerId)
      .map(({ peerId: id, multiaddrs, services, lastSeen }) => ({ peerId: id, multiaddrs, services, lastSeen }));
    for (const record of records) state.known.add(record.peerId);
    return records;
  }

  private async fetchAddrs(peerId: string, state: PeerState): Promise<void> {
    try {
      const records = await requestAddrs(this.modules.context, peerIdFromString(peerId));
      // Core grants a getaddr answer a full budget: we asked for it.
      state.bucket.grant(MAX_ADDR_PER_MESSAGE);
      this.receive(peerId, records, true);
    } catch (err) {
      this.modules.context.logger.debug({ peer: peerId, err: String(err) }, 'getaddr failed');
    }
  }

  /** Queues `record` for the two peers a keyed hash of it picks (Core's RelayAddress). */
  private relay(record: AddressRecord, from: string): void {
    const now = this.now();
    const addrHash = createHash('sha256').update(record.peerId).digest().readUInt32BE(0);
    const epoch = Math.floor((now + addrHash) / RELAY_ROTATION_MS);
    const scored = [...this.peers.entries()]
      .filter(([id, state]) => state.relay && id !== from && id !== record.peerId)
      .map(([id, state]) => ({ id, state, score: createHash('sha256').update(this.key).update(`${record.peerId}|${epoch}|${id}`).digest().readBigUInt64BE(0) }))
      .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : 0))
      .slice(0, RELAY_PEERS);
    for (const { state } of scored) this.queue(state, record);
    this.stats.relayed += scored.length;
  }

  private queue(state: PeerState, record: AddressRecord): void {
    if (state.known.has(record.peerId) && record.peerId !== this.modules.context.selfId) return;
    state.known.add(record.peerId);
    if (state.queue.length < MAX_ADDR_PER_MESSAGE) state.queue.push(record);
  }

  /** Sends each peer its queued addresses, adding our own when its time has come. */
  private trickle(): void {
    const now = this.now();
    for (const [peerId, state] of this.peers) {
      if (!state.relay) continue;
      const self = this.options.discover ? this.modules.self() : undefined;
      if (self && now >= state.nextLocalSend) {
        state.queue.push(self);
        state.nextLocalSend = now + exponential(this.options.announceIntervalMs);
      }
      if (state.queue.length === 0) continue;
      const batch = state.queue.splice(0, MAX_ADDR_PER_MESSAGE);
      pushAddrs(this.modules.context, peerIdFromString(peerId), batch).catch((err) =>
        this.modules.context.logger.debug({ peer: peerId, err: String(err) }, 'could not push addresses'),
      );
    }
  }
}

/** Exponentially distributed delay with the given mean (Core's rand_exp_duration). */
export function exponential(meanMs: number): number {
  return Math.round(-Math.log(1 - Math.random()) * meanMs);
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

