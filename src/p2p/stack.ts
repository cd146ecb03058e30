/**
 * The libp2p stack powcoin runs: TCP, noise, yamux, identify, ping, gossipsub, and bootstrap
 * peers when configured. Gossipsub is tuned for a blockchain: content-addressed ids, no
 * per-message signatures (the data proves itself), frames as big as a block, and a peer score
 * that punishes invalid messages but not quiet topics (blocks are rare).
 */
import { noise } from '@chainsafe/libp2p-noise';
import { bootstrap } from '@libp2p/bootstrap';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { createTopicScoreParams } from '@libp2p/gossipsub/score';
import { identify } from '@libp2p/identify';
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
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

export function createStack(options: P2POptions, privateKey: PrivateKey, topics: Topics, gater: ConnectionGater): Promise<Stack> {
  return createLibp2p<Services>({
    privateKey,
    start: false,
    addresses: { listen: options.listen, announce: options.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gater,
    connectionManager: { maxConnections: options.maxConnections },
    peerDiscovery: options.bootstrap.length > 0 ? [bootstrap({ list: options.bootstrap })] : [],
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (message) => messageId(topics, message.topic, message.data),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        allowedTopics: [topics.block, topics.tx],
        maxInboundDataLength: MAX_GOSSIP_FRAME_BYTES,
        // No IP-colocation penalty: local testnets put every node on 127.0.0.1, and gossipsub would
        // graylist honest peers past ten of them; address bans (address-bans.ts) cover Sybils instead.
        scoreParams: { IPColocationFactorWeight: 0, topics: { [topics.block]: { ...TOPIC_SCORE }, [topics.tx]: { ...TOPIC_SCORE } } },
      }),
    },
  });
}
