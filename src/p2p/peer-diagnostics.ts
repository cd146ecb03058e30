/** What the node tells about its peers: getpeerinfo's rows, ping round trips, the gossip mesh, getblockfrompeer. */
import type { Connection, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { PeerInfo } from './events.js';
import type { P2PChain } from './interfaces.js';
import type { PeerTable } from './peer-table.js';
import { requestBlocks } from './protocols/blocks.js';
import type { ProtocolContext } from './protocols/context.js';
import type { Stack } from './stack.js';
import type { Topics } from './topics.js';
import type { Logger } from '../util/logger.js';

/** Every peer in the table with an open connection, described. */
export function connectedPeers(stack: Stack, table: PeerTable, describe: (id: string, connection: Connection) => PeerInfo): PeerInfo[] {
  const infos: PeerInfo[] = [];
  for (const id of table.ids()) {
    const connection = stack.getConnections(peerIdFromString(id))[0];
    if (connection) infos.push(describe(id, connection));
  }
  return infos;
}

/**
 * Core's ping RPC: pings every connected peer now with libp2p's ping protocol; each round trip
 * is recorded on the connection (as libp2p's own monitor does), so getpeerinfo shows it.
 */
export function pingPeers(stack: Stack, logger: Logger): void {
  const service = stack.services.ping as { ping(peer: PeerId): Promise<number> };
  for (const connection of stack.getConnections()) {
    service.ping(connection.remotePeer).then(
      (ms) => {
        (connection as { rtt?: number }).rtt = ms;
      },
      (err: unknown) => logger.debug({ peer: connection.remotePeer.toString(), err: String(err) }, 'ping failed'),
    );
  }
}

/** Peers in our gossip mesh for each topic (gossipsub's view). */
export function meshPeers(stack: Stack, topics: Topics): { block: string[]; tx: string[]; compact: string[] } {
  const pubsub = stack.services.pubsub as unknown as { getMeshPeers(topic: string): string[] };
  return { block: pubsub.getMeshPeers(topics.block), tx: pubsub.getMeshPeers(topics.tx), compact: pubsub.getMeshPeers(topics.compact) };
}

/**
 * Core's getblockfrompeer: asks one peer for one block over blocks/1 and hands it to the chain
 * (a side-chain or header-only block is stored like any other). Throws when the peer does not
 * deliver it or the chain refuses it.
 */
export async function blockFromPeer(context: ProtocolContext, chain: P2PChain, logger: Logger, peerId: string, hash: string): Promise<void> {
  try {
    const [block] = await requestBlocks(context, peerIdFromString(peerId), [hash]);
    if (!block) throw new Error(`peer ${peerId} did not send block ${hash}`);
    await chain.processBlock(block);
    logger.info({ hash, peer: peerId }, 'block fetched from peer (getblockfrompeer)');
  } catch (err) {
    logger.warn({ hash, peer: peerId, err: String(err) }, 'getblockfrompeer: no block from the peer');
    throw err;
  }
}
