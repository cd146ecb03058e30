/**
 * The p2p node: one libp2p stack with block and tx gossip, the status/headers/blocks protocols,
 * sync, and ban scoring. Built as `new P2PNode(options, { chain, mempool, params, logger })`,
 * then `start()`; the chain and mempool are reached only through src/p2p/interfaces.ts.
 */
import './polyfill.js';
import type { Connection, IdentifyResult, MultiaddrConnection, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { TypedEmitter } from '../chain/typed-emitter.js';
import type { NetworkParams } from '../params/types.js';
import { AddressBans } from './address-bans.js';
import { isAddressKey } from './address-key.js';
import { type BanEntry, BanList } from './bans.js';
import type { AddressBook } from './addrman/types.js';
import { Connectivity } from './connections/connectivity.js';
import type { ConnectionManager } from './connections/manager.js';
import type { P2PEvents, PeerInfo } from './events.js';
import { Gossip } from './gossip.js';
import { GRAYLIST_WATCH_MS, graylistedOffenders } from './graylist-watch.js';
import { loadIdentity } from './identity.js';
import { type P2PChain, type P2PLogger, type P2PMempool, silentP2PLogger } from './interfaces.js';
import { MempoolSync, type ReconcileStats } from './mempool-sync.js';
import { type P2POptions, resolveP2POptions } from './options.js';
import { PeerTable } from './peer-table.js';
import { PeerScores } from './peer-scores.js';
import { serveBlocks } from './protocols/blocks.js';
import type { ProtocolContext } from './protocols/context.js';
import { serveHeaders } from './protocols/headers.js';
import { serveMempool } from './protocols/mempool.js';
import type { StatusMessage } from './protocols/messages.js';
import { requestStatus, serveStatus } from './protocols/status.js';
import { pushTxs, serveTxs } from './protocols/txs.js';
import { RateLimiter, REQUEST_LIMITS, SERVE_SLACK } from './rate-limit.js';
import { RecentSet } from './recent.js';
import { createStack, type Stack } from './stack.js';
import { Syncer, type SyncState } from './sync.js';
import { LostBlockFetcher } from './refetch.js';
import { protocolsFor, topicsFor, type Topics } from './topics.js';
import { PENALTY, type Misbehaviour, type Verdict } from './verdict.js';

export interface P2PModules {
  chain: P2PChain;
  mempool: P2PMempool;
  params: NetworkParams;
  logger?: P2PLogger;
}

/** Message ids of blocks and txs heard from the network, so they are never re-published as ours. */
const HEARD_CAPACITY = 50_000;

export class P2PNode extends TypedEmitter<P2PEvents> {
  readonly options: P2POptions;
  readonly topics: Topics;
  private readonly logger: P2PLogger;
  private readonly scores: PeerScores;
  private readonly table = new PeerTable();
  private readonly heard = new RecentSet(HEARD_CAPACITY);
  /** Our own requests wait for these budgets; a peer's requests over SERVE_SLACK times them are a flood. */
  private readonly outbound = new RateLimiter(REQUEST_LIMITS);
  private readonly inbound = new RateLimiter(REQUEST_LIMITS, SERVE_SLACK);
  private stack?: Stack;
  private bans?: BanList;
  private gossip?: Gossip;
  private syncer?: Syncer;
  private refetcher?: LostBlockFetcher;
  private addressBans?: AddressBans;
  private mempoolSync?: MempoolSync;
  private graylistTimer?: NodeJS.Timeout;
  private context?: ProtocolContext;
  private connectivity?: Connectivity;

  constructor(
    options: Partial<P2POptions>,
    private readonly modules: P2PModules,
  ) {
    super();
    this.options = resolveP2POptions(options, modules.params);
    this.topics = topicsFor(modules.params);
    this.logger = modules.logger ?? silentP2PLogger;
    this.scores = new PeerScores(this.options.banThreshold);
  }

  async start(): Promise<void> {
    if (this.stack) throw new Error('p2p node already started');
    const bans = (this.bans = await BanList.open(this.options.dataDir));
    const privateKey = await loadIdentity(this.options.dataDir);
    const addressBans = (this.addressBans = new AddressBans(bans, this.options.addressBanAfter));
    const banned = (peer: PeerId): boolean => bans.isBanned(peer.toString());
    const connectivity = (this.connectivity = await Connectivity.open(this.options, {
      protocolName: this.modules.params.protocolName,
      logger: this.logger,
      isBanned: (id) => bans.isBanned(id),
      penalise: (peer, kind, reason) => this.misbehaving(peer.toString(), PENALTY[kind], reason),
    }));
    const gater = {
      denyDialPeer: banned,
      denyDialMultiaddr: (address: Multiaddr) => addressBans.deniesDial(address),
      denyInboundConnection: (connection: MultiaddrConnection) => addressBans.deniesInbound(connection.remoteAddr),
      denyInboundEncryptedConnection: banned,
      denyOutboundEncryptedConnection: banned,
    };
    const stack = await createStack(this.options, privateKey, this.topics, gater, () => connectivity.meter.metrics());
    this.stack = stack;
    const context = (this.context = this.protocolContext(stack));
    this.syncer = this.createSyncer(context);
    this.refetcher = this.createRefetcher(context);
    const gossip = (this.gossip = this.createGossip(stack, context));
    await serveStatus(context, (peer, status) => this.heardStatus(peer, status));
    await serveHeaders(context);
    await serveBlocks(context);
    await serveTxs(context, (peer, txs) => gossip.acceptPushed(peer, txs));
    this.mempoolSync = this.createMempoolSync(context, gossip);
    if (this.mempoolSync.enabled) await serveMempool(context, () => this.modules.mempool.entries());
    await connectivity.attach(stack);
    stack.addEventListener('peer:connect', (event) => this.peerConnected(event.detail));
    stack.addEventListener('peer:identify', (event) => {
      this.peerIdentified(event.detail);
      connectivity.identified(event.detail);
    });
    stack.addEventListener('peer:disconnect', (event) => this.peerDisconnected(event.detail));
    try {
      await stack.start();
    } catch (err) {
      // Port in use, bad listen address: leave the node stopped, so start() can be tried again.
      this.stack = undefined;
      await Promise.resolve(stack.stop()).catch(() => undefined);
      throw err;
    }
    this.gossip.start();
    this.mempoolSync.start();
    this.graylistTimer = setInterval(() => this.banGraylisted(), GRAYLIST_WATCH_MS);
    this.graylistTimer.unref();
    await connectivity.start();
    this.logger.info({ peerId: this.peerId, addresses: this.addresses() }, 'p2p listening');
  }

  async stop(): Promise<void> {
    const stack = this.stack;
    if (!stack) return;
    // Anchors are the block-relay-only peers still connected: saved before the stack hangs up.
    await this.connectivity?.stop();
    this.gossip?.stop();
    this.mempoolSync?.stop();
    clearInterval(this.graylistTimer);
    // Stopping the stack aborts streams, so a sync waiting on a slow peer ends at once.
    const syncStopped = this.syncer?.stop();
    const refetchStopped = this.refetcher?.stop();
    await stack.stop();
    await syncStopped;
    await refetchStopped;
    await this.bans?.flush();
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

  /** Closes every connection to a peer, named by its id or by a multiaddr. */
  async disconnect(peerIdOrAddress: string): Promise<void> {
    const target = peerIdOrAddress.startsWith('/') ? multiaddr(peerIdOrAddress) : peerIdFromString(peerIdOrAddress);
    await this.running().hangUp(target);
  }

  peers(): PeerInfo[] {
    const stack = this.running();
    const infos: PeerInfo[] = [];
    for (const id of this.table.ids()) {
      const connection = stack.getConnections(peerIdFromString(id))[0];
      if (connection) infos.push(this.describe(id, connection));
    }
    return infos;
  }

  /**
   * Bans a peer id, or an address key ("203.0.113.5", "127.0.0.1:4001"; see address-key.ts), for
   * `seconds` (default banSeconds) and disconnects it. The addressBanAfter-th peer id banned from
   * one address bans the address too.
   */
  ban(target: string, seconds = this.options.banSeconds, reason = 'manual'): BanEntry {
    if (isAddressKey(target)) return this.banAddress(target, seconds, reason);
    const address = this.addressBans?.keyOf(target);
    const entry = this.banList().ban(target, seconds, reason, address);
    this.scores.forget(target);
    this.logger.warn({ peer: target, address, reason, until: new Date(entry.until).toISOString() }, 'peer banned');
    this.emit('peerBanned', { id: target, until: entry.until, reason });
    this.stack?.hangUp(peerIdFromString(target)).catch(() => undefined);
    const escalated = address === undefined ? undefined : this.addressBans?.escalate(address, seconds);
    if (escalated) this.addressBanned(escalated);
    return entry;
  }

  private banAddress(address: string, seconds: number, reason: string): BanEntry {
    const entry = this.banList().banAddress(address, seconds, reason);
    this.addressBanned(entry);
    return entry;
  }

  /** Hangs up on every peer at a newly banned address. */
  private addressBanned(entry: BanEntry): void {
    this.logger.warn({ address: entry.target, reason: entry.reason, until: new Date(entry.until).toISOString() }, 'address banned');
    this.emit('peerBanned', { id: entry.target, until: entry.until, reason: entry.reason });
    for (const peer of this.addressBans?.peersAt(entry.target) ?? []) this.stack?.hangUp(peerIdFromString(peer)).catch(() => undefined);
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
    if (!this.mempoolSync) throw new Error('p2p node is not started');
    return this.mempoolSync.reconcile(peerIdFromString(peerId));
  }

  /** The peer's ban score so far. */
  banScore(peerId: string): number {
    return this.scores.get(peerId);
  }

  /** Adds ban score; past the threshold the peer is banned and disconnected. */
  misbehaving(peerId: string, points: number, reason: string): void {
    if (points <= 0 || this.banList().isBanned(peerId)) return;
    const { score, ban } = this.scores.add(peerId, points);
    this.logger.warn({ peer: peerId, points, score, reason }, 'peer misbehaved');
    if (ban) this.ban(peerId, this.options.banSeconds, reason);
  }

  /** Hands raw txs to every peer that told us its status, over txs/1 (wallet rebroadcast: gossip drops seen ids). */
  async relay(txs: Uint8Array[]): Promise<void> {
    if (!this.context) throw new Error('p2p node is not started');
    await this.pushToPeers(this.context, txs);
  }

  /** Peers in our gossip mesh for each topic (gossipsub's view; for diagnostics and tests). */
  meshPeers(): { block: string[]; tx: string[] } {
    const pubsub = this.running().services.pubsub as unknown as { getMeshPeers(topic: string): string[] };
    return { block: pubsub.getMeshPeers(this.topics.block), tx: pubsub.getMeshPeers(this.topics.tx) };
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
    if (!this.bans) throw new Error('p2p node is not started');
    return this.bans;
  }

  private protocolContext(stack: Stack): ProtocolContext {
    const { chain, params } = this.modules;
    const penalise = (peer: PeerId, kind: Misbehaviour, reason: string): void => this.misbehaving(peer.toString(), PENALTY[kind], reason);
    return {
      libp2p: stack,
      chain,
      params,
      protocols: protocolsFor(params),
      logger: this.logger,
      timeoutMs: this.options.requestTimeoutMs,
      penalise,
      pace: (peer, kind) => this.outbound.reserve(peer.toString(), kind),
      admit: (peer, kind) => this.inbound.take(peer.toString(), kind),
    };
  }

  private createSyncer(context: ProtocolContext): Syncer {
    return new Syncer({
      context,
      chain: this.modules.chain,
      logger: this.logger,
      heard: this.heard,
      sawHeight: (peer, height) => this.table.sawHeight(peer.toString(), height),
      disconnect: (peer, reason) => {
        this.logger.info({ peer: peer.toString(), reason }, 'disconnecting peer');
        void this.stack?.hangUp(peer).catch(() => undefined);
      },
      claimedWork: (peer) => this.table.get(peer.toString())?.status?.chainwork,
      statusTip: (peer) => this.table.get(peer.toString())?.status?.tipHash,
      penalise: context.penalise,
      judged: (peer, verdict) => this.judged(peer, verdict),
      announceTip: () => void this.gossip?.announceTip().catch((err) => this.logger.warn({ err: String(err) }, 'could not announce the tip')),
    });
  }

  /** Lost bodies of our own store come back from peers that told us their status. */
  private createRefetcher(context: ProtocolContext): LostBlockFetcher {
    const { chain } = this.modules;
    const fetcher = new LostBlockFetcher({
      context,
      chain,
      logger: this.logger,
      peers: () => this.table.ids().filter((id) => this.table.get(id)?.status !== undefined).map((id) => peerIdFromString(id)),
    });
    chain.on('blockDataLost', () => fetcher.kick());
    return fetcher;
  }

  private createGossip(stack: Stack, context: ProtocolContext): Gossip {
    const { chain, mempool } = this.modules;
    return new Gossip({
      pubsub: stack.services.pubsub,
      topics: this.topics,
      chain,
      mempool,
      logger: this.logger,
      heard: this.heard,
      judged: (peer, what, verdict) => {
        if (verdict.action === 'accept') this.connectivity?.relayed(peer.toString(), what);
        this.judged(peer, verdict);
      },
      sawHeight: (peer, height) => this.table.sawHeight(peer.toString(), height),
      pushToPeers: (txs) => this.pushToPeers(context, txs),
    });
  }

  private createMempoolSync(context: ProtocolContext, gossip: Gossip): MempoolSync {
    const modules = {
      context,
      mempool: this.modules.mempool,
      logger: this.logger,
      accept: (peer: PeerId, txs: Uint8Array[]) => gossip.acceptPushed(peer, txs),
      peers: () => this.table.ids().filter((id) => this.reconcilesWith(id)).map((id) => peerIdFromString(id)),
    };
    return new MempoolSync(modules, this.options.mempoolSyncMs);
  }

  /** The dialler of a tx-relaying connection reconciles mempools (block-relay-only peers and feelers get no txs). */
  private reconcilesWith(id: string): boolean {
    if (this.table.get(id)?.status === undefined || !this.relaysTxs(id)) return false;
    return this.stack?.getConnections(peerIdFromString(id)).some((connection) => connection.direction === 'outbound') ?? false;
  }

  /** Peers gossipsub stopped listening to after invalid data: banned, so they lose their slot. */
  private banGraylisted(): void {
    if (!this.stack) return;
    const offenders = graylistedOffenders(this.stack.services.pubsub, this.table.ids(), (id) => this.scores.get(id));
    for (const id of offenders) {
      if (!this.banList().isBanned(id)) this.ban(id, this.options.banSeconds, `gossip graylisted it after invalid messages (ban score ${this.scores.get(id)})`);
    }
  }

  /** Hands `txs` to every peer that told us its status (a failure with one peer is only logged). */
  private async pushToPeers(context: ProtocolContext, txs: Uint8Array[]): Promise<void> {
    const peers = this.table.ids().filter((id) => this.table.get(id)?.status !== undefined && this.relaysTxs(id));
    await Promise.all(
      peers.map(async (id) => {
        try {
          const accepted = await pushTxs(context, peerIdFromString(id), txs);
          this.logger.debug({ peer: id, txs: txs.length, accepted }, 'pushed txs');
        } catch (err) {
          this.logger.debug({ peer: id, err: String(err) }, 'could not push txs');
        }
      }),
    );
  }

  /** Applies a verdict: bugs are logged loudly and never punished; orphans make us sync from the sender. */
  private judged(peer: PeerId, verdict: Verdict): void {
    if (verdict.bug !== undefined) {
      this.logger.error({ peer: peer.toString(), err: verdict.bug }, 'unexpected error validating data from a peer');
      return;
    }
    if (verdict.penalty > 0) this.misbehaving(peer.toString(), verdict.penalty, verdict.reason);
    if (verdict.missing !== undefined) this.syncer?.request(peer, `orphan block, missing ${verdict.missing}`);
  }

  private peerConnected(peer: PeerId): void {
    const id = peer.toString();
    this.table.connected(id);
    const connection = this.stack?.getConnections(peer)[0];
    if (connection) this.addressBans?.connected(id, connection.remoteAddr, connection.direction === 'inbound');
    if (connection) this.connectivity?.connected(connection);
    if (connection) this.emit('peerConnected', this.describe(id, connection));
    this.logger.info({ peer: id, addr: connection?.remoteAddr.toString() }, 'peer connected');
    void this.exchangeStatus(peer);
  }

  private peerDisconnected(peer: PeerId): void {
    const id = peer.toString();
    this.addressBans?.disconnected(id);
    this.syncer?.peerGone(peer);
    this.connectivity?.disconnected(id);
    if (!this.table.disconnected(id)) return;
    this.logger.info({ peer: id }, 'peer disconnected');
    this.emit('peerDisconnected', { id });
  }

  /** An inbound loopback peer's address key is known once it says where it listens; a banned address is dropped. */
  private peerIdentified(result: IdentifyResult): void {
    const id = result.peerId.toString();
    const connection = this.stack?.getConnections(result.peerId)[0];
    if (!connection || !this.addressBans?.identified(id, connection.remoteAddr, result.listenAddrs)) return;
    this.logger.info({ peer: id, address: this.addressBans.keyOf(id) }, 'peer at a banned address; disconnecting');
    void this.stack?.hangUp(result.peerId).catch(() => undefined);
  }

  /** Both sides send their status on connect; a peer that cannot answer is not on our network. */
  private async exchangeStatus(peer: PeerId): Promise<void> {
    if (!this.stack) return;
    try {
      this.heardStatus(peer, await requestStatus(this.protocolContext(this.stack), peer));
    } catch (err) {
      if (!this.stack || !this.table.get(peer.toString())) return;
      this.logger.info({ peer: peer.toString(), err: String(err) }, 'status exchange failed; disconnecting');
      await this.stack.hangUp(peer).catch(() => undefined);
    }
  }

  private heardStatus(peer: PeerId, status: StatusMessage): void {
    const id = peer.toString();
    if (status.genesisHash !== this.modules.params.genesisHash) {
      this.logger.info({ peer: id, genesis: status.genesisHash }, 'peer is on another network; disconnecting');
      void this.stack?.hangUp(peer).catch(() => undefined);
      return;
    }
    // Each side hears the other's status twice (its request, its answer): act on the first.
    const first = this.table.get(id)?.status === undefined;
    this.table.heardStatus(id, status);
    // The dialler reconciles mempools, so each connection does it once.
    if (first && this.mempoolSync?.enabled && this.reconcilesWith(id)) this.mempoolSync.reconcileSoon(peer, true);
    this.syncer?.peerAt(peer, status.tipHash);
    if (this.modules.chain.lostBlocks?.().length) this.refetcher?.kick();
    this.connectivity?.handshakeDone(id);
    if (status.chainwork > this.modules.chain.tip.chainwork) this.syncer?.request(peer, `peer has more work (height ${status.height})`);
  }

  private describe(id: string, connection: Connection): PeerInfo {
    const record = this.table.get(id);
    return {
      id,
      addr: connection.remoteAddr.toString(),
      inbound: connection.direction === 'inbound',
      connectedAt: record?.connectedAt ?? connection.timeline.open,
      height: record?.height ?? -1,
      chainwork: record?.status ? record.status.chainwork.toString(16) : undefined,
      banScore: this.scores.get(id),
      pingMs: connection.rtt,
      connectionType: this.connectivity?.typeOf(id) ?? (connection.direction === 'inbound' ? 'inbound' : 'manual'),
      ...this.bytesOf(connection),
    };
  }

  private bytesOf(connection: Connection): { bytesSent: number; bytesRecv: number } {
    const counts = this.connectivity?.meter.of(connection.timeline) ?? { sent: 0, recv: 0 };
    return { bytesSent: counts.sent, bytesRecv: counts.recv };
  }
}
