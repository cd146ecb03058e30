/**
 * What we know of each connected peer beyond libp2p's connection: the status it sent and the
 * highest block height it has shown us. Used by getpeerinfo and to pick peers to sync from.
 */
import type { StatusMessage } from './protocols/messages.js';

export interface PeerRecord {
  id: string;
  connectedAt: number;
  status?: StatusMessage;
  height: number;
}

export class PeerTable {
  private readonly peers = new Map<string, PeerRecord>();

  connected(id: string, at = Date.now()): PeerRecord {
    const record = this.peers.get(id) ?? { id, connectedAt: at, height: -1 };
    this.peers.set(id, record);
    return record;
  }

  disconnected(id: string): boolean {
    return this.peers.delete(id);
  }

  get(id: string): PeerRecord | undefined {
    return this.peers.get(id);
  }

  heardStatus(id: string, status: StatusMessage): void {
    const record = this.connected(id);
    record.status = status;
    record.height = Math.max(record.height, status.height);
  }

  sawHeight(id: string, height: number): void {
    const record = this.peers.get(id);
    if (record) record.height = Math.max(record.height, height);
  }

  /** Peers other than `except` that have shown at least `height`. */
  atLeast(height: number, except: string): string[] {
    return [...this.peers.values()].filter((peer) => peer.id !== except && peer.height >= height).map((peer) => peer.id);
  }

  ids(): string[] {
    return [...this.peers.keys()];
  }
}
