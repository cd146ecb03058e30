/**
 * Address-level bans on top of the peer-id ban list: which address key (address-key.ts) each
 * connected peer has, the connection gater's address checks, and the escalation rule: once
 * `addressBanAfter` peer ids from one address are banned, the address itself is banned, so a
 * fresh peer id from it is refused (as Core bans IPs, not nodes).
 */
import type { Multiaddr } from '@multiformats/multiaddr';
import { inboundKey, isLoopback, addressParts, listenKey } from './address-key.js';
import type { BanEntry, BanList } from './bans.js';

export class AddressBans {
  /** Connected (or recently connected) peer id → its address key. */
  private readonly keys = new Map<string, string>();

  constructor(
    private readonly bans: BanList,
    private readonly banAfter: number,
  ) {}

  /** Gater: never dial a banned address. */
  deniesDial(address: Multiaddr): boolean {
    const key = listenKey(address);
    return key !== undefined && this.bans.isAddressBanned(key);
  }

  /** Gater: refuse an inbound connection from a banned IP before the handshake (loopback waits for identify). */
  deniesInbound(remote: Multiaddr): boolean {
    const key = inboundKey(remote);
    return key !== undefined && this.bans.isAddressBanned(key);
  }

  /** A connection opened: dialled addresses and routable inbound ones have their key now. */
  connected(peerId: string, remote: Multiaddr, inbound: boolean): void {
    const key = inbound ? inboundKey(remote) : listenKey(remote);
    if (key !== undefined) this.keys.set(peerId, key);
  }

  /**
   * Identify told us where an inbound loopback peer listens: that is its key. Returns whether
   * that address is banned (the caller hangs up).
   */
  identified(peerId: string, remote: Multiaddr, listenAddrs: readonly Multiaddr[]): boolean {
    const remoteIp = addressParts(remote)?.ip;
    if (remoteIp !== undefined && isLoopback(remoteIp) && !this.keys.has(peerId)) {
      const key = listenAddrs.map((address) => listenKey(address)).find((candidate) => candidate !== undefined && candidate.includes(remoteIp));
      if (key !== undefined) this.keys.set(peerId, key);
    }
    const key = this.keys.get(peerId);
    return key !== undefined && this.bans.isAddressBanned(key);
  }

  disconnected(peerId: string): void {
    this.keys.delete(peerId);
  }

  keyOf(peerId: string): string | undefined {
    return this.keys.get(peerId);
  }

  /** Connected peers at `key`. */
  peersAt(key: string): string[] {
    return [...this.keys].filter(([, candidate]) => candidate === key).map(([peerId]) => peerId);
  }

  /** After a peer ban from `key`: bans the address once it has `banAfter` banned peer ids; returns the new ban. */
  escalate(key: string, seconds: number): BanEntry | undefined {
    const count = this.bans.peerBansFrom(key);
    if (count < this.banAfter || this.bans.isAddressBanned(key)) return undefined;
    return this.bans.banAddress(key, seconds, `${count} peer ids banned from this address`);
  }
}
