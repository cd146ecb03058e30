/**
 * Everything that keeps a node connected to its network, in one piece the P2PNode holds: the
 * address book, addr/1 relay, the connection manager and the byte meter. The node forwards it
 * libp2p's connection events and the status handshake's outcome; it answers which connection
 * type a peer has and whether txs may be relayed to it.
 */
import type { Connection, IdentifyResult, PeerId } from '@libp2p/interface';
import { AddrMan, groupOf, NODE_NETWORK, NODE_WITNESS, type AddressBook, type AddressRecord } from '../addrman/index.js';

import { maxInbound, type P2POptions } from '../options.js';
import { addrProtocol } from '../protocols/addr.js';
import type { Stack } from '../stack.js';
import type { Misbehaviour } from '../verdict.js';
import { AddrRelay } from './addr-relay.js';
import { ByteMeter } from './byte-meter.js';
import { ConnectionManager } from './manager.js';
import { relaysTxs, type ConnectionType } from './types.js';
import type { Logger } from '../../util/logger.js';

export interface ConnectivityModules {
  protocolName: string;
  logger: Logger;
  isBanned(peerId: string): boolean;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
}

export class Connectivity {
  readonly meter = new ByteMeter();
  private manager?: ConnectionManager;
  private relay?: AddrRelay;
  private stack?: Stack;

  private constructor(
    private readonly options: P2POptions,
    readonly book: AddressBook,
    private readonly modules: ConnectivityModules,
  ) {}

  /** Opens the address book (`<dataDir>/peers.json`); the stack is attached later. */
  static async open(options: P2POptions, modules: ConnectivityModules): Promise<Connectivity> {
    const book = await AddrMan.open({ dataDir: options.dataDir }, { logger: modules.logger });
    return new Connectivity(options, book, modules);
  }

  /** Registers addr/1 on the stack (before it starts). */
  async attach(stack: Stack): Promise<void> {
    this.stack = stack;
    const { options, modules } = this;
    const noAddrRelay = options.connect.length > 0;
    this.manager = new ConnectionManager(
      {
        maxOutbound: options.maxOutbound,
        blockRelayOnly: options.blockRelayOnly,
        maxInbound: maxInbound(options),
        connect: options.connect,
        manual: options.bootstrap,
        seeds: options.seeds,
        feelerIntervalMs: options.feelerIntervalMs,
        retryDelayMs: options.retryDelayMs,
        seedDelayMs: options.seedDelayMs,
        tickMs: options.connectTickMs,
        manualRetryMs: 1_000,
        manualRetryMaxMs: 60_000,
        bookFlushMs: options.bookFlushMs,
        dataDir: options.dataDir,
      },
      { stack, book: this.book, groupOf: (address) => groupOf(address), isBanned: modules.isBanned, logger: modules.logger },
    );
    const manager = this.manager;
    this.relay = new AddrRelay(
      { announceIntervalMs: options.announceIntervalMs, trickleMs: options.addrTrickleMs, discover: options.discover && !noAddrRelay },
      {
        context: { libp2p: stack, protocol: addrProtocol(modules.protocolName), selfId: stack.peerId.toString(), timeoutMs: options.requestTimeoutMs, logger: modules.logger, penalise: modules.penalise },
        book: this.book,
        self: () => this.selfRecord(),
        // --connect: Core relays no addresses; treating every peer as block-relay-only does that.
        typeOf: (id) => (noAddrRelay ? 'block-relay-only' : manager.typeOf(id)),
        remoteAddr: (id) => stack.getConnections().find((c) => c.remotePeer.toString() === id)?.remoteAddr.toString(),
      },
    );
    await this.relay.start();
  }

  /** Starts dialling (after the stack has started). */
  async start(): Promise<void> {
    await this.manager?.start();
  }

  /** Saves anchors and the book while connections are still up; call before the stack stops. */
  async stop(): Promise<void> {
    this.relay?.stop();
    await this.manager?.stop();
  }

  connected(connection: Connection): void {
    this.manager?.connected(connection);
  }

  disconnected(peerId: string): void {
    this.manager?.disconnected(peerId);
    this.relay?.peerGone(peerId);
  }

  /** The status handshake succeeded: mark the address good, start address exchange. */
  handshakeDone(peerId: string): void {
    const type = this.manager?.handshakeDone(peerId);
    if (type) this.relay?.peerReady(peerId, type);
  }

  /** Identify told us an outbound peer's listen addresses: they go in the book (never an inbound peer's). */
  identified(result: IdentifyResult): void {
    const id = result.peerId.toString();
    const type = this.typeOf(id);
    if (type === undefined || type === 'inbound' || result.connection.direction !== 'outbound') return;
    const multiaddrs = result.listenAddrs.map((a) => a.toString()).filter((a) => a.includes('/tcp/') && !a.includes('/p2p-circuit')).map((a) => a.replace(/\/p2p\/[^/]+$/, ''));
    if (multiaddrs.length === 0) return;
    const record: AddressRecord = { peerId: id, multiaddrs: multiaddrs.slice(0, 8), services: NODE_NETWORK | NODE_WITNESS, lastSeen: Date.now() };
    this.book.add([record], { peerId: id, multiaddr: result.connection.remoteAddr.toString() });
  }

  relayed(peerId: string, what: 'block' | 'tx'): void {
    this.manager?.relayed(peerId, what);
  }

  typeOf(peerId: string): ConnectionType | undefined {
    return this.manager?.typeOf(peerId);
  }

  /** Whether txs may be pushed or reconciled with this peer (not block-relay-only peers or feelers). */
  relaysTxs(peerId: string): boolean {
    const type = this.typeOf(peerId);
    return type === undefined || relaysTxs(type);
  }

  connections(): ConnectionManager {
    if (!this.manager) throw new Error('p2p node is not started');
    return this.manager;
  }

  addrStats(): AddrRelay['stats'] | undefined {
    return this.relay?.stats;
  }

  /** What we announce: the announce addresses, else where we listen; nothing when we take no inbound. */
  private selfRecord(): AddressRecord | undefined {
    if (!this.stack || this.options.listen.length === 0) return undefined;
    const own = this.options.announce.length > 0 ? this.options.announce : this.stack.getMultiaddrs().map((a) => a.toString());
    const multiaddrs = [...new Set(own.map((a) => a.replace(/\/p2p\/[^/]+$/, '')))].filter((a) => a.includes('/tcp/')).slice(0, 8);
    if (multiaddrs.length === 0) return undefined;
    return { peerId: this.stack.peerId.toString(), multiaddrs, services: NODE_NETWORK | NODE_WITNESS, lastSeen: Date.now() };
  }
}
