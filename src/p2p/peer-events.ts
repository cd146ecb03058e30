/**
 * What the p2p node does when a peer connects, disconnects or tells us its status: the peer
 * table, address bans, the connection manager, sync and tx relay hear of it, and a peer that
 * is not on our network (or cannot answer the status exchange) is hung up on.
 */
import type { Connection, PeerId } from '@libp2p/interface';
import type { NetworkParams } from '../params/types.js';
import type { Connectivity } from './connections/connectivity.js';
import type { PeerDiscipline } from './discipline.js';
import type { PeerInfo } from './events.js';
import type { P2PChain } from './interfaces.js';
import type { PeerTable } from './peer-table.js';
import type { ProtocolContext } from './protocols/context.js';
import type { StatusMessage } from './protocols/messages.js';
import { requestStatus } from './protocols/status.js';
import type { LostBlockFetcher } from './refetch.js';
import type { Stack } from './stack.js';
import type { Syncer } from './sync.js';
import type { TxRelay } from './tx-relay.js';
import type { Logger } from '../util/logger.js';

/** The node as a peer event sees it at that moment (parts are absent before start and after stop). */
export interface PeerEventView {
  params: NetworkParams;
  chain: P2PChain;
  logger: Logger;
  table: PeerTable;
  stack?: Stack;
  discipline?: PeerDiscipline;
  connectivity?: Connectivity;
  syncer?: Syncer;
  refetcher?: LostBlockFetcher;
  txRelay?: TxRelay;
  /** Core's fNetworkActive. */
  networkActive: boolean;
  protocolContext(stack: Stack): ProtocolContext;
  describe(id: string, connection: Connection): PeerInfo;
  connectedEvent(info: PeerInfo): void;
  disconnectedEvent(id: string): void;
}

/** `view` answers the node's state now: an event handler that awaits reads it again afterwards. */
export type PeerEventViewer = () => PeerEventView;

export function peerConnected(view: PeerEventViewer, peer: PeerId): void {
  const node = view();
  const id = peer.toString();
  // A connection that was being upgraded when the network went inactive.
  if (!node.networkActive) {
    void node.stack?.hangUp(peer).catch(() => undefined);
    return;
  }
  node.table.connected(id);
  const connection = node.stack?.getConnections(peer)[0];
  if (connection) node.discipline?.addressBans.connected(id, connection.remoteAddr, connection.direction === 'inbound');
  if (connection) node.connectivity?.connected(connection);
  const described = connection && node.describe(id, connection);
  if (described) node.connectedEvent(described);
  node.logger.info({ peer: id, addr: connection?.remoteAddr.toString(), inbound: described?.inbound, height: described?.height }, 'peer connected');
  void exchangeStatus(view, peer);
}

export function peerDisconnected(view: PeerEventViewer, peer: PeerId): void {
  const node = view();
  const id = peer.toString();
  node.discipline?.addressBans.disconnected(id);
  node.syncer?.peerGone(peer);
  node.connectivity?.disconnected(id);
  if (!node.table.disconnected(id)) return;
  node.logger.info({ peer: id }, 'peer disconnected');
  node.disconnectedEvent(id);
}

/** Both sides send their status on connect; a peer that cannot answer is not on our network. */
async function exchangeStatus(view: PeerEventViewer, peer: PeerId): Promise<void> {
  const { stack } = view();
  if (!stack) return;
  try {
    const status = await requestStatus(view().protocolContext(stack), peer);
    heardStatus(view(), peer, status);
  } catch (err) {
    // The node may have stopped, or the peer gone, while we waited.
    const node = view();
    if (!node.stack || !node.table.get(peer.toString())) return;
    node.logger.info({ peer: peer.toString(), err: String(err) }, 'status exchange failed; disconnecting');
    await node.stack.hangUp(peer).catch(() => undefined);
  }
}

export function heardStatus(node: PeerEventView, peer: PeerId, status: StatusMessage): void {
  const id = peer.toString();
  if (status.genesisHash !== node.params.genesisHash) {
    node.logger.info({ peer: id, genesis: status.genesisHash }, 'peer is on another network; disconnecting');
    void node.stack?.hangUp(peer).catch(() => undefined);
    return;
  }
  // Each side hears the other's status twice (its request, its answer): act on the first.
  const first = node.table.get(id)?.status === undefined;
  node.table.heardStatus(id, status);
  if (first) node.txRelay?.statusHeard(peer);
  node.syncer?.peerAt(peer, status.tipHash);
  if (node.chain.lostBlocks?.().length) node.refetcher?.kick();
  node.connectivity?.handshakeDone(id);
  if (status.chainwork > node.chain.tip.chainwork) node.syncer?.request(peer, `peer has more work (height ${status.height})`);
}
