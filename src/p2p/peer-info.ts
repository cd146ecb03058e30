/** getpeerinfo's view of one connection: libp2p's connection, our peer record and the byte meter. */
import type { Connection } from '@libp2p/interface';
import type { Connectivity } from './connections/connectivity.js';
import type { PeerInfo } from './events.js';
import type { PeerRecord } from './peer-table.js';

export function describePeer(id: string, connection: Connection, record: PeerRecord | undefined, banScore: number, connectivity?: Connectivity): PeerInfo {
  const counts = connectivity?.meter.of(connection.timeline) ?? { sent: 0, recv: 0 };
  return {
    id,
    addr: connection.remoteAddr.toString(),
    inbound: connection.direction === 'inbound',
    connectedAt: record?.connectedAt ?? connection.timeline.open,
    height: record?.height ?? -1,
    chainwork: record?.status ? record.status.chainwork.toString(16) : undefined,
    banScore,
    pingMs: connection.rtt,
    connectionType: connectivity?.typeOf(id) ?? (connection.direction === 'inbound' ? 'inbound' : 'manual'),
    bytesSent: counts.sent,
    bytesRecv: counts.recv,
  };
}
