import type { ConnectionType } from './connections/types.js';

/** What getpeerinfo shows about one connected peer. */
export interface PeerInfo {
  id: string;
  /** The multiaddr of the connection, with /p2p/<id>. */
  addr: string;
  inbound: boolean;
  /** Milliseconds since the epoch when the connection opened. */
  connectedAt: number;
  /** The peer's tip height as it last told us (status, or headers it sent); -1 before. */
  height: number;
  /** Its chainwork from its status message, hex; undefined before. */
  chainwork?: string;
  banScore: number;
  /** Round-trip time of the connection in ms, when libp2p has measured it. */
  pingMs?: number;
  connectionType: ConnectionType;
  /** Bytes on the wire over this connection (noise and yamux framing included). */
  bytesSent: number;
  bytesRecv: number;
}

/** Everything the p2p node tells its followers (RPC, logs). */
export interface P2PEvents {
  peerConnected: [PeerInfo];
  peerDisconnected: [{ id: string }];
  peerBanned: [{ id: string; until: number; reason: string }];
  /** A gossiped block or tx was judged: accept, ignore or reject, with the short reason. */
  gossipJudged: [{ topic: 'block' | 'tx' | 'cmpctblock'; action: 'accept' | 'ignore' | 'reject'; reason: string }];
}
