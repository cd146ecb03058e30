/**
 * The libp2p stack powcoin runs: TCP, noise, yamux, identify, ping, gossipsub, and bootstrap
 * peers when configured. Gossipsub is tuned for a blockchain: content-addressed ids, no
 * per-message signatures (the data proves itself), frames as big as a block, and a peer score
 * that punishes invalid messages but not quiet topics (blocks are rare).
 */
import { noise } from '@chainsafe/libp2p-noise';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { createTopicScoreParams } from '@libp2p/gossipsub/score';
import { identify } from '@libp2p/identify';
import type { ConnectionGater, Libp2p, Metrics, PrivateKey } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import { MANUAL_SLOTS } from './connections/manager.js';
import type { P2POptions } from './options.js';
import { MAX_GOSSIP_FRAME_BYTES, messageId, type Topics } from './topics.js';

export interface Services extends Record<string, unknown> {
  pubsub: GossipSub;
  identify: unknown;
  ping: unknown;
}

export type Stack = Libp2p<Services>;

/** Rejected messages cost gossipsub score too (squared, so a few send a peer below the graylist). */
const TOPIC_SCORE = createTopicScoreParams({
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 100,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 50,
  // Blocks come every few minutes: expecting a delivery rate from mesh peers would punish everyone.
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -50,
  invalidMessageDeliveriesDecay: 0.9,
});

/**
 * Peers are found and dialled by our connection manager (connections/), not by libp2p's
 * discovery modules: libp2p's own limit is only a backstop above ours (manual peers and a
 * feeler come on top of maxConnections, as in Core). `metrics` counts bytes per connection.
 */
export function createStack(options: P2POptions, privateKey: PrivateKey, topics: Topics, gater: ConnectionGater, metrics?: () => Metrics): Promise<Stack> {
  return createLibp2p<Services>({
    privateKey,
    start: false,
    addresses: { listen: options.listen, announce: options.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gater,
    connectionManager: {
      maxConnections: options.maxConnections + MANUAL_SLOTS + 2,
      // libp2p's defaults (5 new connections per second per host, 10 pending) refuse a testnet
      // whose nodes share one address (docker, 127.0.0.1); our inbound cap and eviction govern.
      inboundConnectionThreshold: options.maxConnections,
      maxIncomingPendingConnections: 32,
    },
    // libp2p pings every connection and drops one whose ping is late by its adaptive estimate;
    // on a busy machine that drops healthy peers. Core waits 20 minutes; we allow 1 to 2.
    connectionMonitor: { pingInterval: 30_000, pingTimeout: { minTimeout: 60_000, maxTimeout: 120_000, } },
    ...(metrics ? { metrics } : {}),
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (message) => messageId(topics, message.topic, message.data),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        allowedTopics: [topics.block, topics.tx, topics.compact],
        maxInboundDataLength: MAX_GOSSIP_FRAME_BYTES,
        // Peer exchange would let a pruning peer choose whom we dial: peers come from our address book only.
        doPX: false,
        scoreThresholds: { acceptPXThreshold: Number.POSITIVE_INFINITY },
        // No IP-colocation penalty: local testnets put every node on 127.0.0.1, and gossipsub would
        // graylist honest peers past ten of them; address bans (address-bans.ts) cover Sybils instead.
        scoreParams: { IPColocationFactorWeight: 0, topics: { [topics.block]: { ...TOPIC_SCORE }, [topics.tx]: { ...TOPIC_SCORE }, [topics.compact]: { ...TOPIC_SCORE } } },
      }),
    },
  });
}
