/**
 * Builds the p2p node's working parts (the protocol context, the syncer, the lost-block fetcher
 * and gossip) from the state they share with the node: the peer table, the heard set and the
 * rate limiters. What the parts do to a peer (penalise, hang up, judge) is the node's, passed in.
 */
import type { Connection, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { NetworkParams } from '../params/types.js';
import { CompactRelay } from './compact/relay.js';
import { Gossip } from './gossip.js';
import type { P2PChain, P2PMempool } from './interfaces.js';
import type { P2POptions } from './options.js';
import type { PeerTable } from './peer-table.js';
import type { ProtocolContext } from './protocols/context.js';
import type { RateLimiter } from './rate-limit.js';
import type { BoundedSet } from '../util/bounded-set.js';
import { LostBlockFetcher } from './refetch.js';
import type { Stack } from './stack.js';
import { Syncer } from './sync.js';
import { protocolsFor, type Topics } from './topics.js';
import { TxRelay } from './tx-relay.js';
import { PENALTY, type Verdict } from './verdict.js';
import type { Logger } from '../util/logger.js';

export interface NodeState {
  options: P2POptions;
  chain: P2PChain;
  mempool: P2PMempool;
  params: NetworkParams;
  topics: Topics;
  logger: Logger;
  table: PeerTable;
  /** Message ids of blocks and txs heard from the network, so they are never re-published as ours. */
  heard: BoundedSet<string>;
  /** Budgets our own requests wait for, and the (slackened) ones a peer's requests must keep. */
  outbound: RateLimiter;
  inbound: RateLimiter;
}

export interface NodeActions {
  misbehaving(peerId: string, points: number, reason: string): void;
  /** Closes every connection to a peer (a no-op once the node stops). */
  hangUp(peer: PeerId): void;
  /** Applies a verdict on data from a peer (see P2PNode). */
  judged(peer: PeerId, verdict: Verdict): void;
  /** Gossip accepted a block or tx from a peer (the connection manager counts it). */
  relayed(peer: PeerId, what: 'block' | 'tx'): void;
  /** Every gossip verdict, for the node's metrics. */
  gossipJudged?(what: 'block' | 'tx' | 'cmpctblock', verdict: Verdict): void;
  announceTip(): void;
  /** Whether txs may go to a peer (not a block-relay-only peer or a feeler). */
  relaysTxs(id: string): boolean;
  /** The open connections to a peer (none once the node stops). */
  connections(peer: PeerId): Connection[];
}

export class NodeParts {
  constructor(
    private readonly state: NodeState,
    private readonly actions: NodeActions,
  ) {}

  protocolContext(stack: Stack): ProtocolContext {
    const { chain, params, logger, options, outbound, inbound } = this.state;
    return {
      libp2p: stack,
      chain,
      params,
      protocols: protocolsFor(params),
      logger,
      timeoutMs: options.requestTimeoutMs,
      penalise: (peer, kind, reason) => this.actions.misbehaving(peer.toString(), PENALTY[kind], reason),
      pace: (peer, kind) => outbound.reserve(peer.toString(), kind),
      admit: (peer, kind) => inbound.take(peer.toString(), kind),
    };
  }

  syncer(context: ProtocolContext): Syncer {
    const { chain, logger, heard, table } = this.state;
    return new Syncer({
      context,
      chain,
      logger,
      heard,
      sawHeight: (peer, height) => table.sawHeight(peer.toString(), height),
      disconnect: (peer, reason) => {
        logger.info({ peer: peer.toString(), reason }, 'disconnecting peer');
        this.actions.hangUp(peer);
      },
      claimedWork: (peer) => table.get(peer.toString())?.status?.chainwork,
      statusTip: (peer) => table.get(peer.toString())?.status?.tipHash,
      penalise: context.penalise,
      judged: (peer, verdict) => this.actions.judged(peer, verdict),
      announceTip: () => this.actions.announceTip(),
    });
  }

  /** Lost bodies of our own store come back from peers that told us their status. */
  refetcher(context: ProtocolContext): LostBlockFetcher {
    const { chain, logger, table } = this.state;
    const fetcher = new LostBlockFetcher({
      context,
      chain,
      logger,
      peers: () => table.ids().filter((id) => table.get(id)?.status !== undefined).map((id) => peerIdFromString(id)),
    });
    chain.on('blockDataLost', () => fetcher.kick());
    return fetcher;
  }

  /** `accept` judges txs a peer sent in a reconciliation, as gossip judges pushed ones. */
  txRelay(context: ProtocolContext, accept: (peer: PeerId, txs: Uint8Array[]) => Promise<number>): TxRelay {
    const { mempool, logger, table, options } = this.state;
    const { relaysTxs, connections } = this.actions;
    return new TxRelay({ context, mempool, logger, table, relaysTxs, connections, accept }, options.mempoolSyncMs);
  }

  /** Compact block relay: gossip starts and stops it; its blocktxn/1 is served from the start. */
  compactRelay(stack: Stack, context: ProtocolContext): CompactRelay {
    const { chain, mempool, params, topics, logger, heard, table, options } = this.state;
    return new CompactRelay(
      { publish: options.compactBlocks },
      {
        pubsub: stack.services.pubsub,
        topics,
        chain,
        mempool,
        params,
        context,
        logger,
        heard,
        gossipJudged: (verdict) => this.actions.gossipJudged?.('cmpctblock', verdict),
        judged: (peer, verdict) => {
          if (verdict.action === 'accept') this.actions.relayed(peer, 'block');
          this.actions.judged(peer, verdict);
        },
        sawHeight: (peer, height) => table.sawHeight(peer.toString(), height),
      },
    );
  }

  gossip(stack: Stack, pushToPeers: (txs: Uint8Array[]) => Promise<void>, compact?: CompactRelay): Gossip {
    const { chain, mempool, topics, logger, heard, table } = this.state;
    return new Gossip({
      compact,
      pubsub: stack.services.pubsub,
      topics,
      chain,
      mempool,
      logger,
      heard,
      judged: (peer, what, verdict) => {
        this.actions.gossipJudged?.(what, verdict);
        if (verdict.action === 'accept') this.actions.relayed(peer, what);
        this.actions.judged(peer, verdict);
      },
      sawHeight: (peer, height) => table.sawHeight(peer.toString(), height),
      pushToPeers,
    });
  }
}
