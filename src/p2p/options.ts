import type { NetworkParams } from '../params/types.js';

/** The p2p node's settings, as plain data; defaults are in resolveP2POptions. */
export interface P2POptions {
  /** Multiaddrs to listen on (default /ip4/0.0.0.0/tcp/<defaultP2pPort>). */
  listen: string[];
  /** Addresses to tell peers instead of the listening ones (behind NAT, in docker). */
  announce: string[];
  /** Peers to dial on start and keep connected: multiaddrs ending /p2p/<id> (default: the network's). */
  bootstrap: string[];
  maxConnections: number;
  /** How long a ban lasts (Core's -bantime, 24 h). */
  banSeconds: number;
  /** Ban score at which a peer is banned (Core's 100). */
  banThreshold: number;
  /** Where the identity key and ban list live; none: a new identity each run, bans in memory. */
  dataDir?: string;
  /** Deadline for each request/response read or write. */
  requestTimeoutMs: number;
  /** Peer ids banned from one address before the address itself is banned (see address-key.ts). */
  addressBanAfter: number;
  /** Mempool reconciliation with each outbound peer: on connect, then this often (0: never). */
  mempoolSyncMs: number;
}

export function resolveP2POptions(options: Partial<P2POptions>, params: NetworkParams): P2POptions {
  return {
    listen: options.listen ?? [`/ip4/0.0.0.0/tcp/${params.defaultP2pPort}`],
    announce: options.announce ?? [],
    bootstrap: options.bootstrap ?? [...params.bootstrapPeers],
    maxConnections: options.maxConnections ?? 64,
    banSeconds: options.banSeconds ?? 86_400,
    banThreshold: options.banThreshold ?? 100,
    dataDir: options.dataDir,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    addressBanAfter: options.addressBanAfter ?? 3,
    // Regtest-like networks (fixed difficulty) are tests and local testnets: repair within seconds.
    mempoolSyncMs: options.mempoolSyncMs ?? (params.noRetargeting ? 5_000 : 60_000),
  };
}
