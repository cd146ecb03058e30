/**
 * Gossipsub stops reading a peer once its gossip score falls below the graylist threshold (a few
 * rejected messages do it), so our validators stop seeing its invalid data and its ban score
 * stops growing short of the ban: the peer kept its connection slot forever. This names the
 * peers in that state: graylisted by gossip *and* already penalised by us for invalid data
 * (so a peer graylisted for gossip-protocol reasons alone is not banned on gossipsub's word).
 */
import type { GossipSub } from '@libp2p/gossipsub';

/** How often the node looks for graylisted peers (gossipsub refreshes scores once a heartbeat, 1 s). */
export const GRAYLIST_WATCH_MS = 1_000;

/** What the GossipSub class has beyond its exported interface: peer scores and the thresholds. */
interface GossipScores {
  getScore(peerId: string): number;
  opts: { scoreThresholds: { graylistThreshold: number } };
}

export function graylistedOffenders(pubsub: GossipSub, peers: readonly string[], banScore: (peer: string) => number): string[] {
  const scores = pubsub as unknown as GossipScores;
  const threshold = scores.opts.scoreThresholds.graylistThreshold;
  return peers.filter((peer) => banScore(peer) > 0 && scores.getScore(peer) < threshold);
}
