/**
 * Manual peers (--peer, --connect, addnode add): kept connected by the connection manager, each
 * redialled with exponential backoff while it is down (Core's ThreadOpenAddedConnections).
 */
import { peerIdOf } from './peer-ids.js';

export interface ManualPeer {
  address: string;
  peerId: string;
  failures: number;
  nextTry: number;
}

export class ManualPeers {
  private readonly byAddress = new Map<string, ManualPeer>();

  constructor(private readonly retry: { firstMs: number; maxMs: number }) {}

  /** addnode add: false when it is already in the list (Core's -23). */
  add(address: string): boolean {
    const peerId = peerIdOf(address);
    if (this.byAddress.has(address)) return false;
    this.byAddress.set(address, { address, peerId, failures: 0, nextTry: 0 });
    return true;
  }

  /** addnode remove: false when it was not in the list (Core's -24). */
  remove(address: string): boolean {
    return this.byAddress.delete(address);
  }

  all(): ManualPeer[] {
    return [...this.byAddress.values()];
  }

  /** Every peer may be dialled at once again (setnetworkactive true). */
  resetBackoff(): void {
    for (const peer of this.byAddress.values()) {
      peer.failures = 0;
      peer.nextTry = 0;
    }
  }

  succeeded(peer: ManualPeer): void {
    peer.failures = 0;
  }

  /** The next try waits twice as long as the one before, up to the ceiling. */
  failed(peer: ManualPeer, now: number): void {
    peer.failures++;
    peer.nextTry = now + Math.min(this.retry.maxMs, this.retry.firstMs * 2 ** (peer.failures - 1));
  }
}
