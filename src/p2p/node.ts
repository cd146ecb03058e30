/**
 * The p2p node: one libp2p stack with block and tx gossip, the status/headers/blocks protocols,
 * sync, and ban scoring. Built as `new P2PNode(options, { chain, mempool, params, logger })`,
 * then `start()`; the chain and mempool are reached only through src/p2p/interfaces.ts.
 */
import './polyfill.js';
import type { Connection } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { NetworkParams } from '../params/types.js';
import type { BanEntry, BanList } from './bans.js';
import type { AddressBook } from './addrman/types.js';
import { Connectivity } from './connections/connectivity.js';
import type { ConnectionManager } from './connections/manager.js';
import { PeerDiscipline } from './discipline.js';
import type { P2PEvents, PeerInfo } from './events.js';
import type { CompactRelay, CompactStats } from './compact/relay.js';
import type { Gossip } from './gossip.js';
import { loadIdentity } from './identity.js';
import { type P2PChain, type P2PMempool } from './interfaces.js';
import type { ReconcileStats } from './mempool-sync.js';
import { NodeParts } from './node-parts.js';
import { type P2POptions, resolveP2POptions } from './options.js';
import { NetworkSwitch } from './network-switch.js';
import { blockFromPeer, connectedPeers, meshPeers, pingPeers } from './peer-diagnostics.js';
import { type PeerEventView, heardStatus, peerConnected, peerDisconnected } from './peer-events.js';
import { describePeer } from './peer-info.js';
import { PeerTable } from './peer-table.js';
import { PeerScores } from './peer-scores.js';
import { serveBlocks } from './protocols/blocks.js';
import type { ProtocolContext } from './protocols/context.js';
import { serveHeaders } from './protocols/headers.js';
import { serveStatus } from './protocols/status.js';
import { serveTxs } from './protocols/txs.js';
import { RateLimiter, REQUEST_LIMITS, SERVE_SLACK } from './rate-limit.js';
import { BoundedSet } from '../util/bounded-set.js';
import { createStack, type Stack } from './stack.js';
import type { Syncer, SyncState } from './sync.js';
import type { LostBlockFetcher } from './refetch.js';
import { topicsFor, type Topics } from './topics.js';
import type { TxRelay } from './tx-relay.js';
import { PENALTY } from './verdict.js';
import { type Logger, silentLogger } from '../util/logger.js';

export interface P2PModules {
  chain: P2PChain;
  mempool: P2PMempool;
  params: NetworkParams;
  logger?: Logger;
}

/** Message ids of blocks and txs heard from the network, so they are never re-published as ours. */
const HEARD_CAPACITY = 50_000;

export class P2PNode extends TypedEmitter<P2PEvents> {
  readonly options: P2POptions;
  readonly topics: Topics;
  private readonly logger: Logger;
  private readonly scores: PeerScores;
  private readonly table = new PeerTable();
  private readonly heard = new BoundedSet<string>(HEARD_CAPACITY);
  /** Our own requests wait for these budgets; a peer's requests over SERVE_SLACK times them are a flood. */
  private readonly outbound = new RateLimiter(REQUEST_LIMITS);
  private readonly inbound = new RateLimiter(REQUEST_LIMITS, SERVE_SLACK);
  private readonly parts: NodeParts;
  private stack?: Stack;
  private discipline?: PeerDiscipline;
  private gossip?: Gossip;
  private compact?: CompactRelay;
  private syncer?: Syncer;
  private refetcher?: LostBlockFetcher;
  private txRelay?: TxRelay;
  private context?: ProtocolContext;
  private connectivity?: Connectivity;
  /** Core's fNetworkActive: while off every connection is refused and none is dialled. */
  private readonly network = new NetworkSwitch();

  constructor(
    options: Partial<P2POptions>,
    private readonly modules: P2PModules,
  ) {
    super();
    this.options = resolveP2POptions(options, modules.params);
    this.topics = topicsFor(modules.params);
    this.logger = modules.logger ?? silentLogger;
    this.scores = new PeerScores(this.options.banThreshold);
    const { topics, logger, table, heard, outbound, inbound } = this;
    const state = { ...modules, options: this.options, topics, logger, table, heard, outbound, inbound };
    this.parts = new NodeParts(state, {
      misbehaving: (peer, points, reason) => this.misbehaving(peer, points, reason),
      hangUp: (peer) => void this.stack?.hangUp(peer).catch(() => undefined),
      judged: (peer, verdict) => this.discipline?.judged(peer, verdict),
      relayed: (peer, what) => this.connectivity?.relayed(peer.toString(), what),
      gossipJudged: (topic, verdict) => this.emit('gossipJudged', { topic, action: verdict.action, reason: verdict.reason }),
      announceTip: () => void this.gossip?.announceTip().catch((err) => this.logger.warn({ err: String(err) }, 'could not announce the tip')),
      relaysTxs: (id) => this.relaysTxs(id),
      connections: (peer) => this.stack?.getConnections(peer) ?? [],
    });
  }

  async start(): Promise<void> {
    if (this.stack) throw new Error('p2p node already started');
    const discipline = (this.discipline = await PeerDiscipline.open(this.options, {
      scores: this.scores,
      logger: this.logger,
      // A stopped node has nobody to hang up on.
      hangUp: (peer) => this.stack?.hangUp(peerIdFromString(peer)).catch(() => undefined),
      banned: (event) => this.emit('peerBanned', event),
      syncFrom: (peer, reason) => this.syncer?.request(peer, reason),
    }));
    const { bans } = discipline;
    const privateKey = await loadIdentity(this.options.dataDir);
    const connectivity = (this.connectivity = await Connectivity.open(this.options, {
      protocolName: this.modules.params.protocolName,
      logger: this.logger,
      isBanned: (id) => bans.isBanned(id),
      penalise: (peer, kind, reason) => this.misbehaving(peer.toString(), PENALTY[kind], reason),
    }));
    const stack = await createStack(this.options, privateKey, this.topics, this.network.gate(discipline.gater()), () => connectivity.meter.metrics());
    this.stack = stack;
    const context = (this.context = this.parts.protocolContext(stack));
    this.syncer = this.parts.syncer(context);
    this.refetcher = this.parts.refetcher(context);
    // Gossip pushes the txs a reorg returns through the relay; the relay judges reconciled txs as gossip does.
    const txRelay: TxRelay = (this.txRelay = this.parts.txRelay(context, (peer, txs) => gossip.acceptPushed(peer, txs)));
    const compact = (this.compact = this.parts.compactRelay(stack, context));
    const gossip: Gossip = (this.gossip = this.parts.gossip(stack, (txs) => txRelay.push(txs), compact));
    await compact.serve();
    await serveStatus(context, (peer, status) => heardStatus(this.peerView(), peer, status));
    await serveHeaders(context);
    await serveBlocks(context);
    await serveTxs(context, (peer, txs) => gossip.acceptPushed(peer, txs));
    await txRelay.serve();
    await connectivity.attach(stack);
    stack.addEventListener('peer:connect', (event) => peerConnected(() => this.peerView(), event.detail));
    stack.addEventListener('peer:identify', (event) => {
      discipline.identified(event.detail, stack.getConnections(event.detail.peerId)[0]);
      connectivity.identified(event.detail);
    });
    stack.addEventListener('peer:disconnect', (event) => peerDisconnected(() => this.peerView(), event.detail));
    try {
      await stack.start();
    } catch (err) {
      // Port in use, bad listen address: leave the node stopped, so start() can be tried again.
      this.stack = undefined;
      await Promise.resolve(stack.stop()).catch(() => undefined);
      throw err;
    }
    gossip.start();
    txRelay.start();
    discipline.watchGraylist(stack.services.pubsub, () => this.table.ids());
    await connectivity.start();
    this.logger.info({ peerId: this.peerId, addresses: this.addresses() }, 'p2p listening');
  }

  async stop(): Promise<void> {
    const stack = this.stack;
    if (!stack) return;
    // Anchors are the block-relay-only peers still connected: saved before the stack hangs up.
    await this.connectivity?.stop();
    this.gossip?.stop();
    this.txRelay?.stop();
    this.discipline?.stop();
    // Stopping the stack aborts streams, so a sync waiting on a slow peer ends at once.
    const syncStopped = this.syncer?.stop();
    const refetchStopped = this.refetcher?.stop();
    await stack.stop();
    await syncStopped;
    await refetchStopped;
    await this.discipline?.bans.flush();
    this.stack = undefined;
    this.context = undefined;
    for (const id of this.table.ids()) this.table.disconnected(id);
  }

  get peerId(): string {
    return this.running().peerId.toString();
  }

  /** Our dialable addresses, each ending /p2p/<id>. */
  addresses(): string[] {
    return this.running()
      .getMultiaddrs()
      .map((address) => address.toString());
  }

  /** Dials `address` (a multiaddr with /p2p/<id>) once, as a manual connection; resolves to the peer's id. */
  async connect(address: string): Promise<string> {
    this.running();
    return this.connections().dialManual(address);
  }

  /** The connection manager: manual peers (addnode), slot counts, connection types. */
  connections(): ConnectionManager {
    if (!this.connectivity) throw new Error('p2p node is not started');
    return this.connectivity.connections();
  }

  /** The address book (getnodeaddresses, addpeeraddress). */
  addressBook(): AddressBook {
    if (!this.connectivity) throw new Error('p2p node is not started');
    return this.connectivity.book;
  }

  /** Whether txs may be pushed to or reconciled with a peer: not block-relay-only peers or feelers. */
  relaysTxs(peerId: string): boolean {
    return this.connectivity?.relaysTxs(peerId) ?? true;
  }

  /** Bytes over every connection since start (getnettotals). */
  netTotals(): { sent: number; recv: number } {
    return { ...(this.connectivity?.meter.totals ?? { sent: 0, recv: 0 }) };
  }

  /** Whether p2p is active (Core's getnetworkinfo.networkactive). */
  isNetworkActive(): boolean {
    return this.network.active;
  }

  /**
   * Core's setnetworkactive: false hangs up every peer, refuses inbound connections and stops
   * dialling; true lets the connection manager dial again. Resolves to the new state.
   */
  async setNetworkActive(active: boolean): Promise<boolean> {
    const stack = this.running();
    return this.network.set(active, stack, this.connections(), this.logger);
  }

  /**
   * Core's getblockfrompeer: asks one peer for one block over blocks/1 and hands it to the chain
   * (a side-chain or header-only block is stored like any other). Throws when the peer does not
   * deliver it or the chain refuses it.
   */
  async fetchBlock(peerId: string, hash: string): Promise<void> {
    if (!this.context) throw new Error('p2p node is not started');
    await blockFromPeer(this.context, this.modules.chain, this.logger, peerId, hash);
  }

  /** Closes every connection to a peer, named by its id or by a multiaddr. */
  async disconnect(peerIdOrAddress: string): Promise<void> {
    const target = peerIdOrAddress.startsWith('/') ? multiaddr(peerIdOrAddress) : peerIdFromString(peerIdOrAddress);
    await this.running().hangUp(target);
  }

  /** Core's ping RPC: pings every connected peer now; getpeerinfo shows each round trip. */
  pingPeers(): void {
    pingPeers(this.running(), this.logger);
  }

  peers(): PeerInfo[] {
    return connectedPeers(this.running(), this.table, (id, connection) => this.describe(id, connection));
  }

  /**
   * Bans a peer id, or an address key ("203.0.113.5", "127.0.0.1:4001"; see address-key.ts), for
   * `seconds` (default banSeconds) and disconnects it. The addressBanAfter-th peer id banned from
   * one address bans the address too.
   */
  ban(target: string, seconds = this.options.banSeconds, reason = 'manual'): BanEntry {
    return this.disciplined().ban(target, seconds, reason);
  }

  unban(peerId: string): boolean {
    return this.banList().unban(peerId);
  }

  listBanned(): BanEntry[] {
    return this.banList().list();
  }

  clearBanned(): void {
    this.banList().clear();
  }

  isBanned(peerId: string): boolean {
    return this.banList().isBanned(peerId);
  }

  /** Whether an address key (see address-key.ts) is banned. */
  isAddressBanned(address: string): boolean {
    return this.banList().isAddressBanned(address);
  }

  /** Reconciles mempools with a connected peer now; resolves to what moved (tests, bench). */
  async reconcileMempool(peerId: string): Promise<ReconcileStats> {
    if (!this.txRelay) throw new Error('p2p node is not started');
    return this.txRelay.reconcile(peerIdFromString(peerId));
  }

  /** The peer's ban score so far. */
  banScore(peerId: string): number {
    return this.scores.get(peerId);
  }

  /** Adds ban score; past the threshold the peer is banned and disconnected. */
  misbehaving(peerId: string, points: number, reason: string): void {
    this.disciplined().misbehaving(peerId, points, reason);
  }

  /** Hands raw txs to every peer that told us its status, over txs/1 (wallet rebroadcast: gossip drops seen ids). */
  async relay(txs: Uint8Array[]): Promise<void> {
    if (!this.context || !this.txRelay) throw new Error('p2p node is not started');
    await this.txRelay.push(txs);
  }

  /** How the compact blocks we received were rebuilt (from the pool, with fetched txs, or whole). */
  compactStats(): CompactStats {
    if (!this.compact) throw new Error('p2p node is not started');
    return structuredClone(this.compact.stats);
  }

  /** Peers in our gossip mesh for each topic (gossipsub's view; for diagnostics and tests). */
  meshPeers(): { block: string[]; tx: string[]; compact: string[] } {
    return meshPeers(this.running(), this.topics);
  }

  /** Whether a sync is queued or under way. */
  get syncing(): boolean {
    return this.syncer?.syncing ?? false;
  }

  /** Resolves once no sync is queued or under way. */
  async syncIdle(): Promise<void> {
    await this.syncer?.idle();
  }

  /** Headers, blocks, download rate and each downloading peer (getsyncstate). */
  syncState(): SyncState | undefined {
    return this.syncer?.state();
  }

  protected override listenerFailed(event: string, err: unknown): void {
    this.logger.error({ event, err }, 'a p2p event listener threw');
  }

  private running(): Stack {
    if (!this.stack) throw new Error('p2p node is not started');
    return this.stack;
  }

  private banList(): BanList {
    return this.disciplined().bans;
  }

  private disciplined(): PeerDiscipline {
    if (!this.discipline) throw new Error('p2p node is not started');
    return this.discipline;
  }

  /** The node's state as a peer event sees it now (peer-events.ts). */
  private peerView(): PeerEventView {
    return {
      ...this.modules,
      logger: this.logger,
      table: this.table,
      stack: this.stack,
      discipline: this.discipline,
      connectivity: this.connectivity,
      syncer: this.syncer,
      refetcher: this.refetcher,
      txRelay: this.txRelay,
      networkActive: this.network.active,
      protocolContext: (stack) => this.parts.protocolContext(stack),
      describe: (id, connection) => this.describe(id, connection),
      connectedEvent: (info) => this.emit('peerConnected', info),
      disconnectedEvent: (id) => this.emit('peerDisconnected', { id }),
    };
  }

  private describe(id: string, connection: Connection): PeerInfo {
    return describePeer(id, connection, this.table.get(id), this.scores.get(id), this.connectivity);
  }
}
