/**
 * Catching up from peers, headers first (Core's design): each peer with more work gets a header
 * sync (header-sync.ts) that fills the chain's header tree after every rule is checked, and the
 * block downloader (block-download.ts) fetches the bodies of the best header chain from every
 * peer that has them, in a moving window no single peer can hold back, feeding them to
 * processBlock in order. Runs on connect when a peer has more work, and when a gossiped block
 * turns out to be an orphan.
 */
import type { PeerId } from '@libp2p/interface';
import { BlockDownloader, DEFAULT_DOWNLOAD_OPTIONS, type DownloadOptions, type DownloadPeerState } from './block-download.js';
import { PeerHeaderSync } from './header-sync.js';
import type { P2PBlockEntry, P2PChain } from './interfaces.js';
import type { ProtocolContext } from './protocols/context.js';
import type { BoundedSet } from '../util/bounded-set.js';
import type { Misbehaviour, Verdict } from './verdict.js';
import type { Logger } from '../util/logger.js';

const PROGRESS_EVERY_MS = 5_000;

export interface SyncModules {
  context: ProtocolContext;
  chain: P2PChain;
  logger: Logger;
  heard: BoundedSet<string>;
  /** The peer's chain reaches a block at this height. */
  sawHeight(peer: PeerId, height: number): void;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
  judged(peer: PeerId, verdict: Verdict): void;
  /** Hangs up on a peer that stalls or fails the download. */
  disconnect(peer: PeerId, reason: string): void;
  /** Chainwork the peer's status claimed. */
  claimedWork(peer: PeerId): bigint | undefined;
  /** The tip hash the peer's status named. */
  statusTip(peer: PeerId): string | undefined;
  /**
   * Called after a sync that moved our tip: gossip never tells our other peers about blocks we
   * fetched (and a reorg may have moved us to a fork they lack), so we announce the new tip.
   */
  announceTip(): void;
}

/** What getsyncstate shows. */
export interface SyncState {
  blocks: number;
  headers: number;
  /** Blocks processed per second over the last progress interval. */
  blocksPerSecond: number;
  etaSeconds?: number;
  inFlight: number;
  /** Blocks downloaded out of order, waiting for their parents. */
  held: number;
  stallTimeoutMs: number;
  headerSyncs: string[];
  peers: DownloadPeerState[];
}

export class Syncer {
  private readonly headerTasks = new Map<string, Promise<void>>();
  private readonly again = new Map<string, PeerId>();
  private readonly downloader: BlockDownloader;
  private stopped = false;
  private unannounced = 0;
  private progress = { since: Date.now(), blocks: 0, lastLog: Date.now(), rate: 0 };

  constructor(
    private readonly modules: SyncModules,
    options: Partial<DownloadOptions> = {},
  ) {
    this.downloader = new BlockDownloader(
      { ...DEFAULT_DOWNLOAD_OPTIONS, requestTimeoutMs: modules.context.timeoutMs, ...options },
      {
        context: modules.context,
        chain: modules.chain,
        logger: modules.logger,
        heard: modules.heard,
        judged: modules.judged,
        penalise: modules.penalise,
        disconnect: modules.disconnect,
        processed: () => this.processed(),
        settled: () => this.settled(),
      },
    );
  }

  /** Syncs headers from `peer` soon; asking while one runs queues one more round. */
  request(peer: PeerId, reason: string): void {
    if (this.stopped) return;
    const id = peer.toString();
    if (this.headerTasks.has(id)) {
      this.again.set(id, peer);
      return;
    }
    this.modules.logger.debug({ peer: id, reason }, 'header sync requested');
    if (this.idleNow()) this.progress = { since: Date.now(), blocks: 0, lastLog: Date.now(), rate: 0 };
    const task = this.syncHeaders(peer).finally(() => {
      this.headerTasks.delete(id);
      const queued = this.again.get(id);
      if (queued) {
        this.again.delete(id);
        this.request(queued, 'requested again');
      }
      this.settled();
    });
    this.headerTasks.set(id, task);
  }

  /** A peer told us its tip: if we know that block, it can serve its branch. */
  peerAt(peer: PeerId, tipHash: string): void {
    const entry = this.modules.chain.getEntry(tipHash);
    if (entry) this.downloader.peerHas(peer, entry);
  }

  peerGone(peer: PeerId): void {
    this.downloader.removePeer(peer);
  }

  get syncing(): boolean {
    return !this.idleNow();
  }

  /** Resolves once no header sync runs and no block is in flight or waiting. */
  async idle(): Promise<void> {
    while (this.syncing) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.downloader.stop();
    await Promise.all(this.headerTasks.values());
  }

  state(): SyncState {
    const { chain } = this.modules;
    const headers = chain.bestHeader.height;
    const rate = this.progress.rate;
    return {
      blocks: chain.height,
      headers,
      blocksPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.round((headers - chain.height) / rate) : undefined,
      inFlight: this.downloader.blocksInFlight,
      held: this.downloader.blocksHeld,
      stallTimeoutMs: this.downloader.currentStallTimeoutMs,
      headerSyncs: [...this.headerTasks.keys()],
      peers: this.downloader.peerStates(),
    };
  }

  private idleNow(): boolean {
    return this.headerTasks.size === 0 && this.downloader.idle;
  }

  private async syncHeaders(peer: PeerId): Promise<void> {
    const sync = new PeerHeaderSync(peer, {
      context: this.modules.context,
      chain: this.modules.chain,
      logger: this.modules.logger,
      penalise: this.modules.penalise,
      claimedWork: this.modules.claimedWork,
      peerHas: (p: PeerId, entry: P2PBlockEntry) => {
        this.modules.sawHeight(p, entry.height);
        this.downloader.peerHas(p, entry);
      },
    });
    const end = await sync.run();
    // Its status tip may have reached us through another peer's headers meanwhile.
    const tip = this.modules.statusTip(peer);
    if (end === 'done' && tip !== undefined) this.peerAt(peer, tip);
    this.modules.logger.debug({ peer: peer.toString(), end, headers: this.modules.chain.bestHeader.height }, 'header sync ended');
  }

  private processed(): void {
    this.unannounced++;
    this.progress.blocks++;
    const now = Date.now();
    if (now - this.progress.lastLog >= PROGRESS_EVERY_MS) this.logProgress(false);
  }

  /** Once everything is done: log the end and announce the tip the sync moved. */
  private settled(): void {
    if (this.stopped || !this.idleNow() || this.unannounced === 0) return;
    this.unannounced = 0;
    this.logProgress(true);
    this.modules.announceTip();
  }

  private logProgress(done: boolean): void {
    const { chain, logger } = this.modules;
    const now = Date.now();
    const seconds = Math.max((now - this.progress.lastLog) / 1000, 0.001);
    const total = Math.max((now - this.progress.since) / 1000, 0.001);
    this.progress.rate = this.progress.blocks / total;
    this.progress.lastLog = now;
    const state = this.state();
    logger.info(
      {
        height: chain.height,
        headers: state.headers,
        blocks: this.progress.blocks,
        blocksPerSecond: state.blocksPerSecond,
        etaSeconds: state.etaSeconds,
        inFlight: state.inFlight,
        peers: state.peers.length,
        intervalSeconds: Math.round(seconds),
      },
      done ? 'sync finished' : 'syncing',
    );
  }
}
