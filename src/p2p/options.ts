import type { NetworkParams } from '../params/types.js';

/** The p2p node's settings, as plain data; defaults are in resolveP2POptions. */
export interface P2POptions {
  /** Multiaddrs to listen on (default /ip4/0.0.0.0/tcp/<defaultP2pPort>); empty: no inbound (--listen=0). */
  listen: string[];
  /** Addresses to tell peers instead of the listening ones (behind NAT, in docker). */
  announce: string[];
  /** Manual peers (--peer, Core's -addnode): multiaddrs ending /p2p/<id>, dialled and kept (default: the network's). */
  bootstrap: string[];
  /** --connect: connect only to these (multiaddrs with /p2p/<id>); no address book dials, no addr relay, no feelers. */
  connect: string[];
  /** --seed: multiaddrs with /p2p/<id> put in the address book when it is empty or nothing connects for a while. */
  seeds: string[];
  /** Advertise our own addresses to peers (--discover). */
  discover: boolean;
  /** Outbound full-relay connections (Core's 8). */
  maxOutbound: number;
  /** Outbound block-relay-only connections (Core's 2). */
  blockRelayOnly: number;
  /** Most connections; inbound gets what the outbound slots and a feeler leave (Core's -maxconnections). */
  maxConnections: number;
  /** How long a ban lasts (Core's -bantime, 24 h). */
  banSeconds: number;
  /** Ban score at which a peer is banned (Core's 100). */
  banThreshold: number;
  /** Where the identity key, ban list, address book and anchors live; none: all in memory. */
  dataDir?: string;
  /** Deadline for each request/response read or write. */
  requestTimeoutMs: number;
  /** Peer ids banned from one address before the address itself is banned (see address-key.ts). */
  addressBanAfter: number;
  /** Mempool reconciliation with each outbound peer: on connect, then this often (0: never). */
  mempoolSyncMs: number;
  /** Mean interval between self-announcements to each peer (Core: 24 h; 30 s on test networks). */
  announceIntervalMs: number;
  /** Mean interval between feeler connections (Core: 2 minutes). */
  feelerIntervalMs: number;
  /** How often queued addresses are sent (Core trickles every ~30 s; 1 s on test networks). */
  addrTrickleMs: number;
  /** An address tried this recently is not dialled again (Core: 10 minutes; 5 s on test networks). */
  retryDelayMs: number;
  /** No outbound connection for this long: the seeds go into the book again (Core: 60 s). */
  seedDelayMs: number;
  /** How often the connection manager looks at its slots (Core: 500 ms). */
  connectTickMs: number;
  /** How often the address book is written (Core: 15 minutes). */
  bookFlushMs: number;
  /** Publish new blocks in compact form (compact/, BIP152-like); false: whole blocks. Compact blocks are always understood. */
  compactBlocks: boolean;
}

/** Regtest (no retargeting) and fast demo networks (a block within a minute) get short relay timers. */
function isTestNetwork(params: NetworkParams): boolean {
  return params.noRetargeting || params.targetSpacing < 60;
}

export function resolveP2POptions(options: Partial<P2POptions>, params: NetworkParams): P2POptions {
  const test = isTestNetwork(params);
  return {
    listen: options.listen ?? [`/ip4/0.0.0.0/tcp/${params.defaultP2pPort}`],
    announce: options.announce ?? [],
    bootstrap: options.bootstrap ?? [...params.bootstrapPeers],
    connect: options.connect ?? [],
    seeds: options.seeds ?? [],
    discover: options.discover ?? true,
    maxOutbound: options.maxOutbound ?? 8,
    blockRelayOnly: options.blockRelayOnly ?? 2,
    maxConnections: options.maxConnections ?? 125,
    banSeconds: options.banSeconds ?? 86_400,
    banThreshold: options.banThreshold ?? 100,
    dataDir: options.dataDir,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    addressBanAfter: options.addressBanAfter ?? 3,
    // Regtest-like networks (fixed difficulty) are tests and local testnets: repair within seconds.
    mempoolSyncMs: options.mempoolSyncMs ?? (params.noRetargeting ? 5_000 : 60_000),
    announceIntervalMs: options.announceIntervalMs ?? (test ? 30_000 : 24 * 3_600_000),
    feelerIntervalMs: options.feelerIntervalMs ?? 120_000,
    addrTrickleMs: options.addrTrickleMs ?? (test ? 1_000 : 30_000),
    retryDelayMs: options.retryDelayMs ?? (test ? 5_000 : 600_000),
    seedDelayMs: options.seedDelayMs ?? (test ? 10_000 : 60_000),
    connectTickMs: options.connectTickMs ?? 500,
    bookFlushMs: options.bookFlushMs ?? 15 * 60_000,
    compactBlocks: options.compactBlocks ?? true,
  };
}

/** Inbound slots: what the outbound targets and one feeler leave of maxConnections (Core's nMaxInbound). */
export function maxInbound(options: P2POptions): number {
  if (options.listen.length === 0) return 0;
  return Math.max(0, options.maxConnections - options.maxOutbound - options.blockRelayOnly - 1);
}
