/**
 * Catching up from peers: ask a peer for the headers after our locator, check they link and carry
 * proof of work (cheap; processBlock runs every rule), fetch the blocks in batches (several
 * in flight, spread over the peers that are ahead) and feed them in order to processBlock.
 * Repeats until the peer has nothing more. Runs on connect when a peer has more work, and when a
 * gossiped block turns out to be an orphan.
 */
import type { PeerId } from '@libp2p/interface';
import { isRuleError } from '../consensus/errors.js';
import { checkHeaderProofOfWork } from '../consensus/header-checks.js';
import type { Block } from '../primitives/block.js';
import type { BlockHeader } from '../primitives/header.js';
import type { P2PChain, P2PLogger } from './interfaces.js';
import { requestBlocks } from './protocols/blocks.js';
import type { ProtocolContext } from './protocols/context.js';
import { requestHeaders } from './protocols/headers.js';
import { PeerError } from './protocols/stream-io.js';
import type { RecentSet } from './recent.js';
import { blockMessageId, MAX_BLOCKS_PER_REQUEST, MAX_HEADERS } from './topics.js';
import { type Misbehaviour, settle, verdict, type Verdict } from './verdict.js';

/** Batches in flight at once: enough to hide a round trip behind processing. */
const WINDOW = 8;
const PROGRESS_EVERY_MS = 5_000;

export interface SyncModules {
  context: ProtocolContext;
  chain: P2PChain;
  logger: P2PLogger;
  heard: RecentSet;
  /** Other connected peers that reported at least `height`, to share the block downloads. */
  helpers(primary: PeerId, height: number): PeerId[];
  /** A peer's tip is at least this high (learned from its headers). */
  sawHeight(peer: PeerId, height: number): void;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
  judged(peer: PeerId, verdict: Verdict): void;
  /**
   * Called after a sync that moved our tip: gossip never tells our other peers about blocks we
   * fetched (and a reorg may have moved us to a fork they lack), so we announce the new tip.
   */
  announceTip(): void;
}

/** `from[i]` is the peer that served `blocks[i]`, and answers for it. */
type Fetched = { blocks: Block[]; from: PeerId[] } | { error: unknown };

class SyncStop extends Error {}

export class Syncer {
  private readonly queue = new Map<string, PeerId>();
  private running: Promise<void> | undefined;
  private stopped = false;
  private progress = { since: 0, blocks: 0, lastLog: 0 };

  constructor(private readonly modules: SyncModules) {}

  /** Syncs from `peer` soon (after any sync under way); asking twice is asking once. */
  request(peer: PeerId, reason: string): void {
    if (this.stopped) return;
    this.modules.logger.debug({ peer: peer.toString(), reason }, 'sync requested');
    this.queue.set(peer.toString(), peer);
    this.kick();
  }

  get syncing(): boolean {
    return this.running !== undefined;
  }

  /** Resolves once no sync is queued or under way. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clear();
    await this.running;
  }

  /** Starts draining the queue unless already doing so; restarts if a request slipped in at the end. */
  private kick(): void {
    if (this.running || this.stopped || this.queue.size === 0) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (let next = this.takeNext(); next && !this.stopped; next = this.takeNext()) {
      try {
        await this.syncFrom(next);
      } catch (err) {
        if (err instanceof SyncStop) continue;
        this.modules.logger.error({ peer: next.toString(), err }, 'sync failed unexpectedly');
      }
    }
  }

  private takeNext(): PeerId | undefined {
    const [key, peer] = this.queue.entries().next().value ?? [];
    if (key !== undefined) this.queue.delete(key);
    return peer;
  }

  private async syncFrom(peer: PeerId): Promise<void> {
    this.progress = { since: Date.now(), blocks: 0, lastLog: Date.now() };
    for (;;) {
      const headers = await this.fetchHeaders(peer);
      const fresh = this.checkHeaders(peer, headers);
      if (fresh.length > 0) await this.fetchAndProcess(peer, fresh);
      if (headers.length < MAX_HEADERS || fresh.length === 0) break;
    }
    if (this.progress.blocks > 0) {
      this.logProgress(peer, true);
      this.modules.announceTip();
    }
  }

  private async fetchHeaders(peer: PeerId): Promise<BlockHeader[]> {
    try {
      return await requestHeaders(this.modules.context, peer, this.modules.chain.tree.locator());
    } catch (err) {
      this.blameFor(peer, err, 'headers');
      throw new SyncStop();
    }
  }

  /** Linkage and proof of work; returns the headers of blocks we do not have yet. */
  private checkHeaders(peer: PeerId, headers: readonly BlockHeader[]): BlockHeader[] {
    if (headers.length === 0) return [];
    const { chain } = this.modules;
    const parent = chain.getEntry(headers[0].prevHashHex());
    if (!parent) return this.refuse(peer, 'protocol', `headers start at ${headers[0].hash()}, whose parent we never named`);
    for (let i = 0; i < headers.length; i++) {
      if (i > 0 && headers[i].prevHashHex() !== headers[i - 1].hash()) return this.refuse(peer, 'protocol', `header ${i} does not link`);
      try {
        checkHeaderProofOfWork(headers[i], this.modules.context.params);
      } catch (err) {
        if (!isRuleError(err)) throw err;
        return this.refuse(peer, 'invalidHeaders', `header ${headers[i].hash()}: ${err.code}`);
      }
    }
    this.modules.sawHeight(peer, parent.height + headers.length);
    return headers.filter((header) => chain.getEntry(header.hash()) === undefined);
  }

  private refuse(peer: PeerId, kind: Misbehaviour, reason: string): never {
    this.modules.penalise(peer, kind, reason);
    throw new SyncStop();
  }

  /** Downloads the blocks with a window of batches in flight, and processes them strictly in order. */
  private async fetchAndProcess(peer: PeerId, headers: readonly BlockHeader[]): Promise<void> {
    const batches = chunk(headers.map((header) => header.hash()), MAX_BLOCKS_PER_REQUEST);
    const lastHeight = (this.modules.chain.getEntry(headers[0].prevHashHex())?.height ?? 0) + headers.length;
    const sources = [peer, ...this.modules.helpers(peer, lastHeight)];
    const inflight: Promise<Fetched>[] = [];
    const launch = (i: number): void => {
      if (i < batches.length) inflight[i] = this.fetchBatch(sources[i % sources.length], peer, batches[i]);
    };
    for (let i = 0; i < WINDOW; i++) launch(i);
    for (let i = 0; i < batches.length; i++) {
      if (this.stopped) throw new SyncStop();
      const fetched = await inflight[i];
      launch(i + WINDOW);
      if ('error' in fetched) {
        this.blameFor(peer, fetched.error, 'blocks');
        throw new SyncStop();
      }
      await this.processInOrder(peer, fetched, batches[i].length, lastHeight);
    }
  }

  /** One batch from `source`; what a helper could not give comes from the primary peer. Never rejects. */
  private async fetchBatch(source: PeerId, primary: PeerId, hashes: string[]): Promise<Fetched> {
    const { context } = this.modules;
    let blocks: Block[] = [];
    try {
      blocks = await requestBlocks(context, source, hashes);
      if (blocks.length === hashes.length || source.equals(primary)) return { blocks, from: blocks.map(() => source) };
    } catch (err) {
      if (source.equals(primary)) return { error: err };
      this.blameFor(source, err, 'blocks');
    }
    try {
      const rest = await requestBlocks(context, primary, hashes.slice(blocks.length));
      return { blocks: [...blocks, ...rest], from: [...blocks.map(() => source), ...rest.map(() => primary)] };
    } catch (err) {
      return { error: err };
    }
  }

  private async processInOrder(peer: PeerId, { blocks, from }: { blocks: readonly Block[]; from: readonly PeerId[] }, asked: number, lastHeight: number): Promise<void> {
    for (const [i, block] of blocks.entries()) {
      // Blocks from sync are the network's, not ours: the tip change must not re-publish them.
      this.modules.heard.add(blockMessageId(block.encode()));
      const result = verdict('block', await settle(() => this.modules.chain.processBlock(block)));
      // The peer that served the block answers for it: a helper's forged copy must not cost the
      // primary peer its standing. A mutated copy is not remembered (MAY_BE_MUTATED), so a later
      // round fetches the block again.
      this.modules.judged(from[i], result);
      if (result.action === 'reject' && !from[i].equals(peer)) this.request(peer, 'a helper served an invalid block');
      if (result.action === 'reject' || result.bug) throw new SyncStop();
      this.progress.blocks++;
    }
    // A primary peer that lacks blocks it just listed has moved to another fork: start over later.
    if (blocks.length < asked) throw new SyncStop();
    if (Date.now() - this.progress.lastLog >= PROGRESS_EVERY_MS) this.logProgress(peer, false, lastHeight);
  }

  private logProgress(peer: PeerId, done: boolean, target?: number): void {
    const { chain, logger } = this.modules;
    const seconds = Math.max((Date.now() - this.progress.since) / 1000, 0.001);
    const rate = this.progress.blocks / seconds;
    const eta = target !== undefined && rate > 0 ? Math.round((target - chain.height) / rate) : undefined;
    this.progress.lastLog = Date.now();
    logger.info(
      { peer: peer.toString(), height: chain.height, target, blocks: this.progress.blocks, blocksPerSecond: Math.round(rate * 10) / 10, etaSeconds: eta },
      done ? 'sync finished' : 'syncing',
    );
  }

  /** Malformed replies and broken exchanges cost ban score; timeouts and dropped streams do not. */
  private blameFor(peer: PeerId, err: unknown, what: string): void {
    const name = (err as Error)?.name;
    const reason = `${what}: ${(err as Error)?.message ?? String(err)}`;
    if (name === 'DecodeError' || (err instanceof PeerError && err.kind === 'malformed')) this.modules.penalise(peer, 'malformed', reason);
    else if (err instanceof PeerError && err.kind === 'protocol') this.modules.penalise(peer, 'protocol', reason);
    else this.modules.logger.debug({ peer: peer.toString(), reason }, 'sync request failed');
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
