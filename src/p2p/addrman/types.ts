/**
 * The address book's contract (Bitcoin Core's addrman, for libp2p peers). The connection
 * manager, the addr/1 protocol and the RPC code against this; `AddrMan` in ./addrman.ts
 * implements it. Times are milliseconds since the epoch.
 */

/** Service bits a peer advertises (Core's NODE_NETWORK and NODE_WITNESS; we always have both). */
export const NODE_NETWORK = 1;
export const NODE_WITNESS = 8;

/** One address as it travels in addr/1 and as the book takes it in. */
export interface AddressRecord {
  /** libp2p peer id (base58btc / CIDv1 string). */
  peerId: string;
  /** Dialable multiaddrs without the /p2p/<id> suffix, e.g. /ip4/10.0.0.5/tcp/8733. */
  multiaddrs: string[];
  services: number;
  /** When the address was last heard of as alive (Core's nTime). */
  lastSeen: number;
}

/** One entry of the book, as getnodeaddresses and the connection manager see it. */
export interface AddressEntry extends AddressRecord {
  /** Network group of the address (IPv4 /16, IPv6 /32; loopback/private: see groupOf). */
  group: string;
  /** Network group of the peer that told us of it. */
  sourceGroup: string;
  /** Last successful outbound connection (0: never). */
  lastSuccess: number;
  /** Last connection attempt (0: never). */
  lastTry: number;
  /** Failed attempts since the last success. */
  attempts: number;
  /** In the tried table (we connected to it at least once) rather than the new table. */
  tried: boolean;
}

export interface AddressSource {
  peerId: string;
  /** The source's address (the connection's remote address); undefined for ourselves/config. */
  multiaddr?: string;
}

export interface AddressBook {
  /** Entries in the new and tried tables. */
  readonly size: number;
  /**
   * Adds (or refreshes) addresses heard from `source`; `penaltyMs` is subtracted from their
   * lastSeen as Core does for addresses relayed by others. Returns how many were new.
   */
  add(records: readonly AddressRecord[], source: AddressSource, penaltyMs?: number): number;
  /** A successful outbound connection (after the handshake): moves the entry to tried. */
  good(peerId: string, now?: number): void;
  /** A connection attempt; `countFailure` false for attempts that say nothing about the address. */
  attempt(peerId: string, countFailure: boolean, now?: number): void;
  /** The peer is connected and alive now (Core's Connected, on disconnect): refreshes lastSeen. */
  connected(peerId: string, now?: number): void;
  /** Picks an address to dial, Core's Select: tried or new by a coin flip weighted to chance. */
  select(newOnly?: boolean): AddressEntry | undefined;
  /** Core's GetAddr: a random sample of at most `maxPct` percent and `maxAddresses` entries, no terrible ones. */
  getAddr(maxAddresses?: number, maxPct?: number): AddressEntry[];
  /** Test-before-evict: a tried-table collision waiting for the incumbent to be tested, if any. */
  selectTriedCollision(): AddressEntry | undefined;
  /** Settles pending tried collisions (the incumbent stays when it answered recently). */
  resolveCollisions(now?: number): void;
  get(peerId: string): AddressEntry | undefined;
  remove(peerId: string): boolean;
  /** Every entry (for getnodeaddresses with count 0, and tests). */
  entries(): AddressEntry[];
  /** Writes the book atomically (temp file + rename, mode 0600) to its file; no-op in memory. */
  flush(): Promise<void>;
}
