/**
 * Mempool reconciliation with peers (mempool/1, see protocols/mempool.ts): gossip drops a tx id
 * it has seen and a peer that was away, or not yet subscribed, never hears of it again, so each
 * node reconciles with its outbound peers when the connection opens and then every
 * `intervalMs`. Txs the peer sends are judged as any pushed tx (invalid ones cost ban score);
 * txs it lacks are pushed back over txs/1.
 */
import { randomBytes } from 'node:crypto';
import type { PeerId } from '@libp2p/interface';
import { DecodeError } from '../primitives/errors.js';
import type { P2PMempool } from './interfaces.js';
import { requestReconcile, MAX_RECONCILE_IDS, SALT_BYTES } from './protocols/mempool.js';
import type { ProtocolContext } from './protocols/context.js';
import { PeerError } from './protocols/stream-io.js';
import { pushTxs } from './protocols/txs.js';
import type { Logger } from '../util/logger.js';

export interface MempoolSyncModules {
  context: ProtocolContext;
  mempool: P2PMempool;
  logger: Logger;
  /** Feeds txs a peer sent to the mempool, judging them; resolves to how many were accepted. */
  accept(peer: PeerId, txs: Uint8Array[]): Promise<number>;
  /** The peers to reconcile with on each tick (outbound peers that told us their status). */
  peers(): PeerId[];
}

export interface ReconcileStats {
  /** Bytes we sent and received in mempool/1 requests and replies, and pushed over txs/1. */
  requestBytes: number;
  replyBytes: number;
  pushedBytes: number;
  /** Txs the peer sent us that our mempool accepted, and txs we pushed to it. */
  received: number;
  pushed: number;
  rounds: number;
}

/** Rounds per reconciliation: a reply carries about 1 MB of txs, so this repairs ~10 MB at once. */
const MAX_ROUNDS = 10;
/**
 * Periodic rounds leave out txs younger than this (seconds; entry times have 1 s resolution):
 * gossip is still carrying them, and fetching them twice under load only slows a busy node.
 */
export const GOSSIP_GRACE_SECONDS = 3;

export class MempoolSync {
  private timer: NodeJS.Timeout | undefined;
  /** Peers with a reconciliation under way: a tick does not start a second one. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly modules: MempoolSyncModules,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  /**
   * Reconciles with `peer` now unless one is under way; failures are logged, never thrown.
   * `fresh`: a new connection, which gossip cannot have reached, so even the newest txs count.
   */
  reconcileSoon(peer: PeerId, fresh = false): void {
    const id = peer.toString();
    if (this.busy.has(id)) return;
    this.busy.add(id);
    this.reconcile(peer, fresh ? 0 : GOSSIP_GRACE_SECONDS)
      .then((stats) => {
        if (stats.received + stats.pushed > 0) this.modules.logger.info({ peer: id, ...stats }, 'mempool reconciled');
      })
      .catch((err) => this.failed(peer, err))
      .finally(() => this.busy.delete(id));
  }

  /**
   * Reconciles until the peer has nothing more for us (at most MAX_ROUNDS), leaving out txs
   * younger than `minAge` seconds on both sides; throws on a peer or io error.
   */
  async reconcile(peer: PeerId, minAge = 0): Promise<ReconcileStats> {
    const stats: ReconcileStats = { requestBytes: 0, replyBytes: 0, pushedBytes: 0, received: 0, pushed: 0, rounds: 0 };
    for (let more = true; more && stats.rounds < MAX_ROUNDS; stats.rounds++) {
      more = await this.round(peer, minAge, stats);
    }
    return stats;
  }

  private async round(peer: PeerId, minAge: number, stats: ReconcileStats): Promise<boolean> {
    const pool = [...this.modules.mempool.entries()].slice(0, MAX_RECONCILE_IDS);
    const { reply, requestBytes, replyBytes } = await requestReconcile(this.modules.context, peer, pool.map((entry) => entry.wtxid), randomBytes(SALT_BYTES), minAge);
    stats.requestBytes += requestBytes;
    stats.replyBytes += replyBytes;
    if (reply.txs.length > 0) stats.received += await this.modules.accept(peer, reply.txs);
    const now = Date.now() / 1000;
    const wanted = reply.want.map((index) => pool[index]).filter((entry) => now - entry.time >= minAge);
    if (wanted.length > 0) {
      const raws = wanted.map((entry) => entry.tx.encode());
      stats.pushedBytes += raws.reduce((sum, raw) => sum + raw.length, 0);
      stats.pushed += raws.length;
      await pushTxs(this.modules.context, peer, raws);
    }
    return reply.more;
  }

  /** A reply that does not decode or breaks the protocol is the peer's fault; a dropped stream is nobody's. */
  private failed(peer: PeerId, err: unknown): void {
    const reason = `mempool reply: ${(err as Error)?.message ?? String(err)}`;
    if (err instanceof DecodeError || (err instanceof PeerError && err.kind === 'malformed')) this.modules.context.penalise(peer, 'malformed', reason);
    else if (err instanceof PeerError && err.kind === 'protocol') this.modules.context.penalise(peer, 'protocol', reason);
    else this.modules.logger.debug({ peer: peer.toString(), err: String(err) }, 'mempool reconciliation failed');
  }

  private tick(): void {
    for (const peer of this.modules.peers()) this.reconcileSoon(peer);
  }
}
