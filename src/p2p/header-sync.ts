/**
 * Headers from one peer into the header tree (Core's headers sync): ask for the headers after
 * our best header's locator, store each batch through chain.processHeaders (every contextual
 * rule, before anything is stored), and repeat while the peer sends full batches.
 *
 * Anti-DoS: a batch whose chain has less work than chain.antiDosWorkThreshold() is not stored.
 * A full one starts a presync (headers-presync.ts) that checks the chain without keeping it, and
 * the chain is downloaded again and stored once it proves enough work; a short one ends a
 * low-work chain, which is dropped. A peer may add at most MAX_FORK_HEADERS headers off our
 * best header chain per connection. Headers that break a rule cost 100 (as Core), headers that
 * do not connect 20, and a peer whose headers end with less work than its status claimed
 * loses its sync role and PENALTY.overclaim points.
 */
import type { PeerId } from '@libp2p/interface';
import { isRuleError } from '../consensus/errors.js';
import { blockProof } from '../consensus/pow.js';
import type { BlockHeader } from '../primitives/header.js';
import { HeadersPresync } from './headers-presync.js';
import type { P2PBlockEntry, P2PChain } from './interfaces.js';
import type { ProtocolContext } from './protocols/context.js';
import { requestHeaders } from './protocols/headers.js';
import { PeerError } from './protocols/stream-io.js';
import { MAX_HEADERS } from './topics.js';
import type { Misbehaviour } from './verdict.js';
import type { Logger } from '../util/logger.js';

/** Headers one peer may add to the tree, per connection, that do not lead to our best header. */
export const MAX_FORK_HEADERS = 2 * MAX_HEADERS;

export interface HeaderSyncModules {
  context: ProtocolContext;
  chain: P2PChain;
  logger: Logger;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
  /** The peer's chain reaches `entry` (it can serve those blocks). */
  peerHas(peer: PeerId, entry: P2PBlockEntry): void;
  /** Chainwork the peer's status claimed, if it sent one. */
  claimedWork(peer: PeerId): bigint | undefined;
}

/** Why a header sync ended: `done` (the peer had no more), or it was cut short. */
export type HeaderSyncEnd = 'done' | 'refused' | 'failed' | 'low-work';

class Stop extends Error {
  constructor(readonly end: HeaderSyncEnd) {
    super(end);
  }
}

export class PeerHeaderSync {
  private forkHeaders = 0;
  private best: P2PBlockEntry | undefined;
  /** Batch ends the redownload of a presynced chain must match, in order. */
  private commitments: string[] = [];

  constructor(
    private readonly peer: PeerId,
    private readonly modules: HeaderSyncModules,
  ) {}

  /** Fetches and stores the peer's headers until it has no more; never rejects. */
  async run(): Promise<HeaderSyncEnd> {
    try {
      await this.loop();
      this.checkClaim();
      return 'done';
    } catch (err) {
      if (err instanceof Stop) return err.end;
      this.modules.logger.error({ peer: this.peer.toString(), err }, 'header sync failed unexpectedly');
      return 'failed';
    }
  }

  private async loop(): Promise<void> {
    const { chain } = this.modules;
    let locator = chain.locator();
    for (;;) {
      const headers = await this.fetch(locator);
      if (headers.length === 0) {
        if (this.commitments.length > 0) this.refuse('protocol', 'headers ended before the presynced chain did');
        return;
      }
      const parent = chain.getEntry(headers[0].prevHashHex());
      if (!parent) this.refuse('protocol', `headers start at ${headers[0].hash()}, whose parent we never named`);
      if (this.commitments.length > 0) this.checkCommitment(headers);
      else if (!this.enoughWork(parent, headers)) {
        if (headers.length < MAX_HEADERS) return this.lowWork(parent.chainwork + workOf(headers), headers.length);
        locator = await this.presync(parent, headers);
        continue;
      }
      const last = await this.store(headers);
      if (headers.length < MAX_HEADERS && this.commitments.length === 0) return;
      // A full locator, so a peer that switched forks meanwhile still finds where we part.
      locator = this.modules.chain.locator(last.hash);
    }
  }

  private enoughWork(parent: P2PBlockEntry, headers: readonly BlockHeader[]): boolean {
    return parent.chainwork + workOf(headers) >= this.modules.chain.antiDosWorkThreshold();
  }

  private async store(headers: readonly BlockHeader[]): Promise<P2PBlockEntry> {
    const { chain } = this.modules;
    let outcome: Awaited<ReturnType<P2PChain['processHeaders']>>;
    try {
      outcome = await chain.processHeaders(headers);
    } catch (err) {
      if (!isRuleError(err)) throw err;
      if (err.action === 'reject') this.refuse('invalidHeaders', `headers: ${err.message}`);
      this.modules.logger.info({ peer: this.peer.toString(), reason: err.message }, 'headers not stored for now');
      throw new Stop('refused');
    }
    const last = outcome!.last;
    if (chain.bestHeader.ancestorEntry(last.height) !== last) {
      this.forkHeaders += outcome!.added;
      if (this.forkHeaders > MAX_FORK_HEADERS) this.refuse('protocol', `more than ${MAX_FORK_HEADERS} headers off our best chain`);
    }
    if (!this.best || last.chainwork > this.best.chainwork) this.best = last;
    this.modules.peerHas(this.peer, last);
    return last;
  }

  /** Checks a low-work chain without storing it; returns the locator to redownload it from once it has enough work. */
  private async presync(parent: P2PBlockEntry, first: BlockHeader[]): Promise<string[]> {
    const { chain, logger } = this.modules;
    const threshold = chain.antiDosWorkThreshold();
    const presync = new HeadersPresync(parent.hash, chain.headerAnchor(parent.hash)!, threshold, this.modules.context.params, chain.time());
    logger.info({ peer: this.peer.toString(), from: parent.height, threshold: threshold.toString(16) }, 'headers presync: checking a chain with too little work to store yet');
    for (let batch = first; ; batch = await this.fetch([presync.lastHash])) {
      if (batch.length === 0) return this.lowWork(presync.chainwork, presync.count);
      if (batch[0].prevHashHex() !== presync.lastHash) this.refuse('protocol', 'presync headers do not link');
      const step = this.feed(presync, batch);
      if (step === 'too-long') this.refuse('protocol', `presync: ${presync.count} headers, more than time allows since ${parent.hash}`);
      if (step === 'enough') break;
      if (batch.length < MAX_HEADERS) return this.lowWork(presync.chainwork, presync.count);
    }
    logger.info({ peer: this.peer.toString(), headers: presync.count }, 'headers presync: enough work, downloading the chain again to store it');
    this.commitments = [...presync.batchEnds];
    return [parent.hash];
  }

  private feed(presync: HeadersPresync, batch: readonly BlockHeader[]): ReturnType<HeadersPresync['feed']> {
    try {
      return presync.feed(batch);
    } catch (err) {
      if (!isRuleError(err)) throw err;
      if (err.action === 'reject') this.refuse('invalidHeaders', `presync headers: ${err.message}`);
      throw new Stop('refused');
    }
  }

  /** A redownloaded batch must end where the checked one did: then, hash by hash, it is that batch. */
  private checkCommitment(headers: readonly BlockHeader[]): void {
    const expected = this.commitments.shift();
    const got = headers[headers.length - 1].hash();
    if (got !== expected) this.refuse('protocol', `redownloaded headers end at ${got}, the presynced chain at ${expected}`);
  }

  /** The peer's whole chain has too little work: nothing stored, no block requested. */
  private lowWork(work: bigint, headers: number): never {
    this.modules.logger.info({ peer: this.peer.toString(), headers, work: work.toString(16), threshold: this.modules.chain.antiDosWorkThreshold().toString(16) }, 'ignoring a header chain with too little work');
    this.checkClaim(work);
    throw new Stop('low-work');
  }

  /** A peer whose status claimed more work than its headers delivered is a liar: it loses its sync role. */
  private checkClaim(delivered = this.delivered()): void {
    const claimed = this.modules.claimedWork(this.peer);
    if (claimed === undefined || claimed <= delivered) return;
    this.modules.penalise(this.peer, 'overclaim', `status claimed chainwork ${claimed.toString(16)}, headers delivered ${delivered.toString(16)}`);
  }

  private delivered(): bigint {
    const { chain } = this.modules;
    return this.best?.chainwork ?? chain.getEntry(chain.locator()[0])?.chainwork ?? 0n;
  }

  private async fetch(locator: string[]): Promise<BlockHeader[]> {
    try {
      return await requestHeaders(this.modules.context, this.peer, locator);
    } catch (err) {
      const reason = `headers: ${(err as Error)?.message ?? String(err)}`;
      if ((err as Error)?.name === 'DecodeError' || (err instanceof PeerError && err.kind === 'malformed')) this.refuse('malformed', reason);
      if (err instanceof PeerError && err.kind === 'protocol') this.refuse('protocol', reason);
      this.modules.logger.debug({ peer: this.peer.toString(), reason }, 'headers request failed');
      throw new Stop('failed');
    }
  }

  private refuse(kind: Misbehaviour, reason: string): never {
    this.modules.penalise(this.peer, kind, reason);
    throw new Stop('refused');
  }
}

function workOf(headers: readonly BlockHeader[]): bigint {
  let work = 0n;
  for (const header of headers) work += blockProof(header.bits);
  return work;
}
