/**
 * Block download behind the header tree (Core's moving window): the blocks of the best header
 * chain that we lack, from the first one missing up to WINDOW blocks ahead, are requested from
 * every peer whose best header has them, a bounded number in flight per peer. Blocks that
 * arrive out of order wait here until their parent's body is stored, and go to processBlock in
 * chain order.
 *
 * No peer can stall it: a peer holding the window's first block longer than the stall timeout,
 * while another peer could take more and finds nothing left to ask for, is disconnected and its
 * blocks go elsewhere (the timeout doubles each time, as Core's, and decays as blocks connect).
 * A request that times out or comes back short costs the peer a strike and a rest from
 * downloads; three strikes in a row and it is disconnected. Timeouts follow each peer's
 * observed reply time. A peer that served a block processBlock rejects (invalid, or a mutated
 * copy whose block is still wanted) is disconnected, and the block is asked of another peer.
 */
import type { PeerId } from '@libp2p/interface';
import type { Block } from '../primitives/block.js';
import type { P2PBlockEntry, P2PChain } from './interfaces.js';
import { requestBlocks } from './protocols/blocks.js';
import type { ProtocolContext } from './protocols/context.js';
import { PeerError } from './protocols/stream-io.js';
import { Rerun } from './rerun.js';
import type { BoundedSet } from '../util/bounded-set.js';
import { blockMessageId, MAX_BLOCKS_PER_REQUEST } from './topics.js';
import { type Misbehaviour, settle, verdict, type Verdict } from './verdict.js';
import type { Logger } from '../util/logger.js';

export interface DownloadOptions {
  /** Blocks ahead of the first missing one that may be requested (Core's BLOCK_DOWNLOAD_WINDOW). */
  window: number;
  /** Blocks in flight per peer (Core: 16 single-block requests; ours travel 16 to a request). */
  maxInFlightPerPeer: number;
  /** First stall timeout (Core's 2 s); doubles per stall up to maxStallTimeoutMs. */
  stallTimeoutMs: number;
  maxStallTimeoutMs: number;
  /** Deadline for a peer's first block request, before its reply time is known. */
  requestTimeoutMs: number;
  /** Shortest deadline any block request gets, however fast the peer has been. */
  minRequestTimeoutMs: number;
  /** Failed requests in a row that cost a peer its connection. */
  maxStrikes: number;
}

export const DEFAULT_DOWNLOAD_OPTIONS: DownloadOptions = {
  window: 1_024,
  maxInFlightPerPeer: 32,
  stallTimeoutMs: 2_000,
  maxStallTimeoutMs: 64_000,
  requestTimeoutMs: 15_000,
  minRequestTimeoutMs: 2_000,
  maxStrikes: 3,
};

export interface DownloadModules {
  context: ProtocolContext;
  chain: P2PChain;
  logger: Logger;
  heard: BoundedSet<string>;
  judged(peer: PeerId, verdict: Verdict): void;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
  disconnect(peer: PeerId, reason: string): void;
  /** Each block processBlock accepted from the download. */
  processed(): void;
  /** Processing paused or a request ended: the download may be idle now. */
  settled(): void;
}

interface PeerDownload {
  peer: PeerId;
  id: string;
  /** The best header this peer has shown us: it can serve the blocks of that branch. */
  best?: P2PBlockEntry;
  inFlight: Set<string>;
  /** Moving average of its reply time, ms; undefined before its first reply. */
  replyMs?: number;
  strikes: number;
  /** No requests to it before this time (ms since the epoch) after a failure. */
  restUntil: number;
  delivered: number;
}

export interface DownloadPeerState {
  id: string;
  bestHeight: number;
  inFlight: number;
  delivered: number;
  strikes: number;
  timeoutMs: number;
}

export class BlockDownloader {
  private readonly peers = new Map<string, PeerDownload>();
  private readonly inFlight = new Map<string, { peer: string; since: number }>();
  private readonly held = new Map<string, { block: Block; from: PeerId }>();
  private readonly processing = new Rerun(
    () => this.processReady(),
    () => this.modules.settled(),
  );
  private stallTimer: NodeJS.Timeout | undefined;
  private stallTimeoutMs: number;
  private stopped = false;

  constructor(
    private readonly options: DownloadOptions,
    private readonly modules: DownloadModules,
  ) {
    this.stallTimeoutMs = options.stallTimeoutMs;
  }

  /** Nothing in flight, nothing waiting to be processed. */
  get idle(): boolean {
    return this.inFlight.size === 0 && !this.processing.running && !this.hasReady();
  }

  get currentStallTimeoutMs(): number {
    return this.stallTimeoutMs;
  }

  get blocksInFlight(): number {
    return this.inFlight.size;
  }

  get blocksHeld(): number {
    return this.held.size;
  }

  /** `entry` is on `peer`'s chain: it can serve that branch up to there. */
  peerHas(peer: PeerId, entry: P2PBlockEntry): void {
    const state = this.stateOf(peer);
    if (!state.best || entry.chainwork > state.best.chainwork) state.best = entry;
    this.pump();
  }

  /** The peer left (or was dropped): what it had in flight goes to the others. */
  removePeer(peer: PeerId): void {
    const state = this.peers.get(peer.toString());
    if (!state) return;
    this.peers.delete(state.id);
    for (const hash of state.inFlight) this.inFlight.delete(hash);
    this.pump();
  }

  peerStates(): DownloadPeerState[] {
    return [...this.peers.values()].map((p) => ({
      id: p.id,
      bestHeight: p.best?.height ?? -1,
      inFlight: p.inFlight.size,
      delivered: p.delivered,
      strikes: p.strikes,
      timeoutMs: this.timeoutFor(p),
    }));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.stallTimer);
  }

  /** Requests what the window needs from every peer with room, then looks for a staller. */
  pump(): void {
    if (this.stopped) return;
    const window = this.window();
    if (window.length === 0) return;
    const starved: PeerDownload[] = [];
    const now = Date.now();
    for (const state of this.peers.values()) {
      if (state.restUntil > now || state.inFlight.size >= this.options.maxInFlightPerPeer) continue;
      const hashes = this.pick(state, window);
      if (hashes.length > 0) this.launch(state, hashes);
      else if (state.inFlight.size === 0) starved.push(state);
    }
    this.checkStall(window, starved);
  }

  /** The best header chain's blocks we lack, from the fork with our main chain, at most `window` heights. */
  private window(): P2PBlockEntry[] {
    const { chain } = this.modules;
    const target = chain.bestHeader;
    if (target.chainwork <= chain.tip.chainwork) return [];
    const fork = forkHeight(chain, target);
    const entries: P2PBlockEntry[] = [];
    // One skip-list jump to the window's end, then parent links down: O(window) per call.
    for (let entry = target.ancestorEntry(Math.min(target.height, fork + this.options.window)); entry && entry.height > fork; entry = entry.parent) {
      if (!entry.haveData) entries.push(entry);
    }
    return entries.reverse();
  }

  /** The lowest blocks of the window that `state`'s peer has and nobody is fetching. */
  private pick(state: PeerDownload, window: readonly P2PBlockEntry[]): string[] {
    const room = Math.min(MAX_BLOCKS_PER_REQUEST, this.options.maxInFlightPerPeer - state.inFlight.size);
    const hashes: string[] = [];
    for (const entry of window) {
      if (hashes.length >= room) break;
      if (this.inFlight.has(entry.hash) || this.held.has(entry.hash)) continue;
      // Its chain does not reach here, so it lacks every later block of this branch too.
      if (!state.best || state.best.ancestorEntry(entry.height) !== entry) break;
      hashes.push(entry.hash);
    }
    return hashes;
  }

  private launch(state: PeerDownload, hashes: string[]): void {
    const since = Date.now();
    for (const hash of hashes) {
      this.inFlight.set(hash, { peer: state.id, since });
      state.inFlight.add(hash);
    }
    requestBlocks(this.modules.context, state.peer, hashes, this.timeoutFor(state)).then(
      (blocks) => this.delivered(state, hashes, blocks, since),
      (err) => this.failed(state, hashes, err),
    );
  }

  /** Twice its usual reply time plus a margin, within [minRequestTimeoutMs, requestTimeoutMs]. */
  private timeoutFor(state: PeerDownload): number {
    const { minRequestTimeoutMs, requestTimeoutMs } = this.options;
    if (state.replyMs === undefined) return requestTimeoutMs;
    return Math.round(Math.min(requestTimeoutMs, Math.max(minRequestTimeoutMs, 4 * state.replyMs + 1_000)));
  }

  private release(state: PeerDownload, hash: string): void {
    state.inFlight.delete(hash);
    if (this.inFlight.get(hash)?.peer === state.id) this.inFlight.delete(hash);
  }

  private delivered(state: PeerDownload, hashes: readonly string[], blocks: readonly Block[], since: number): void {
    const elapsed = Date.now() - since;
    state.replyMs = state.replyMs === undefined ? elapsed : 0.7 * state.replyMs + 0.3 * elapsed;
    blocks.forEach((block, i) => {
      this.release(state, hashes[i]);
      if (!this.modules.chain.getEntry(hashes[i])?.haveData) this.held.set(hashes[i], { block, from: state.peer });
    });
    state.delivered += blocks.length;
    if (blocks.length < hashes.length) {
      for (const hash of hashes.slice(blocks.length)) this.release(state, hash);
      // It showed us a chain it cannot serve: stop asking it for that branch.
      const missing = this.modules.chain.getEntry(hashes[blocks.length]);
      if (missing && state.best) state.best = missing.height > 0 ? state.best.ancestorEntry(missing.height - 1) : undefined;
      this.strike(state, `did not have block ${hashes[blocks.length]}`);
    } else {
      state.strikes = 0;
    }
    this.kickProcessing();
    this.pump();
  }

  private failed(state: PeerDownload, hashes: readonly string[], err: unknown): void {
    for (const hash of hashes) this.release(state, hash);
    // A peer we already dropped: its streams end because we hung up, which is not its doing.
    if (this.peers.get(state.id) === state) {
      const reason = `blocks: ${(err as Error)?.message ?? String(err)}`;
      if ((err as Error)?.name === 'DecodeError' || (err instanceof PeerError && err.kind === 'malformed')) this.modules.penalise(state.peer, 'malformed', reason);
      else if (err instanceof PeerError && err.kind === 'protocol') this.modules.penalise(state.peer, 'protocol', reason);
      this.strike(state, reason);
    }
    this.pump();
    this.modules.settled();
  }

  /** A failed request: a rest from downloads that doubles with each strike, and after maxStrikes the door. */
  private strike(state: PeerDownload, reason: string): void {
    state.strikes++;
    this.modules.logger.info({ peer: state.id, strikes: state.strikes, reason }, 'block download from peer failed');
    if (state.strikes >= this.options.maxStrikes) {
      this.drop(state, `${state.strikes} block requests failed in a row (${reason})`);
      return;
    }
    state.restUntil = Date.now() + Math.min(30_000, 500 * 2 ** state.strikes);
    setTimeout(() => this.pump(), Math.min(30_000, 500 * 2 ** state.strikes) + 10).unref();
  }

  private drop(state: PeerDownload, reason: string): void {
    this.modules.logger.warn({ peer: state.id, reason }, 'disconnecting peer from block download');
    this.removePeer(state.peer);
    this.modules.disconnect(state.peer, reason);
  }

  /**
   * Core's stall rule: the window cannot move because its first block is still in flight from
   * one peer while another has room and nothing left to ask for. Past the stall timeout, that
   * peer goes.
   */
  private checkStall(window: readonly P2PBlockEntry[], starved: readonly PeerDownload[]): void {
    const first = window.find((entry) => !this.held.has(entry.hash));
    const flight = first && this.inFlight.get(first.hash);
    if (!first || !flight || !starved.some((s) => s.id !== flight.peer && s.best?.ancestorEntry(first.height) === first)) return;
    const age = Date.now() - flight.since;
    const staller = this.peers.get(flight.peer);
    if (!staller) return;
    if (age < this.stallTimeoutMs) {
      clearTimeout(this.stallTimer);
      this.stallTimer = setTimeout(() => this.pump(), this.stallTimeoutMs - age + 10);
      this.stallTimer.unref();
      return;
    }
    this.drop(staller, `stalled block download: block ${first.hash} at height ${first.height} for ${age} ms`);
    this.stallTimeoutMs = Math.min(this.options.maxStallTimeoutMs, this.stallTimeoutMs * 2);
  }

  private hasReady(): boolean {
    return this.nextReady() !== undefined;
  }

  /** The held block that extends what is stored, on the best header chain. */
  private nextReady(): { hash: string; block: Block; from: PeerId } | undefined {
    if (this.held.size === 0) return undefined;
    const { chain } = this.modules;
    const target = chain.bestHeader;
    for (let height = forkHeight(chain, target) + 1; height <= target.height; height++) {
      const entry = target.ancestorEntry(height)!;
      if (entry.haveData) continue;
      const held = this.held.get(entry.hash);
      return held && { hash: entry.hash, ...held };
    }
    return undefined;
  }

  private kickProcessing(): void {
    this.processing.kick();
  }

  /** Feeds held blocks to processBlock strictly in chain order. */
  private async processReady(): Promise<void> {
    const { chain, heard, judged, logger } = this.modules;
    let count = 0;
    for (let next = this.nextReady(); next && !this.stopped; next = this.nextReady()) {
      this.held.delete(next.hash);
      // Blocks from sync are the network's, not ours: the tip change must not re-publish them.
      heard.add(blockMessageId(next.block.encode()));
      const result = verdict('block', await settle(() => chain.processBlock(next.block)));
      judged(next.from, result);
      if (result.action === 'reject') {
        logger.info({ hash: next.hash, reason: result.reason }, 'downloaded block rejected');
        this.dropServer(next.from, `served ${result.mutated ? 'a mutated copy of' : 'invalid'} block ${next.hash} (${result.reason})`);
      } else if (!result.bug) this.modules.processed();
      // A block that connects eases the stall timeout back towards its start, as Core's.
      this.stallTimeoutMs = Math.max(this.options.stallTimeoutMs, Math.round(this.stallTimeoutMs * 0.85));
      // The window moved: ask for more now and then, not after every block.
      if (++count % MAX_BLOCKS_PER_REQUEST === 0) this.pump();
    }
    this.forgetStale();
    this.pump();
  }

  /**
   * The peer that served a block we rejected leaves the download and is disconnected, as Core
   * (since 28.0, any misbehaviour) disconnects the sender of an invalid or mutated block, even
   * below our ban threshold. A mutated copy leaves its block unfailed and wanted: without this,
   * the next pump would ask the same peer for it again, and a peer under the ban threshold could
   * keep the window from moving by serving the forged copy each time.
   */
  private dropServer(peer: PeerId, reason: string): void {
    const state = this.peers.get(peer.toString());
    if (state) this.drop(state, reason);
  }

  /** Held blocks that left the best header chain (an invalid block above them) will never be processed. */
  private forgetStale(): void {
    const target = this.modules.chain.bestHeader;
    for (const hash of this.held.keys()) {
      const entry = this.modules.chain.getEntry(hash);
      if (!entry || entry.haveData || target.ancestorEntry(entry.height) !== entry) this.held.delete(hash);
    }
  }

  private stateOf(peer: PeerId): PeerDownload {
    const id = peer.toString();
    let state = this.peers.get(id);
    if (!state) {
      state = { peer, id, inFlight: new Set(), strikes: 0, restUntil: 0, delivered: 0 };
      this.peers.set(id, state);
    }
    return state;
  }
}

/** Height of the last block `target`'s branch shares with our main chain. */
export function forkHeight(chain: P2PChain, target: P2PBlockEntry): number {
  let height = Math.min(chain.height, target.height);
  while (height > 0 && target.ancestorEntry(height) !== chain.getEntryAtHeight(height)) height--;
  return height;
}
