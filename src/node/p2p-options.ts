/** The node's p2p flags as the p2p layer's options (unset timers keep the p2p layer's defaults). */
import type { P2POptions } from '../p2p/options.js';
import type { NodeOptions } from './options.js';
import { join } from 'node:path';

export function p2pOptions(options: NodeOptions): Partial<P2POptions> {
  return {
    // --listen=0: no listening socket at all, so nobody can connect in (Core's -listen=0).
    listen: options.listen ? [`/ip4/${options.p2pBind}/tcp/${options.p2pPort}`] : [],
    bootstrap: [...options.params.bootstrapPeers, ...options.peers],
    connect: options.connect,
    seeds: options.seeds,
    discover: options.discover,
    maxOutbound: options.maxOutbound,
    blockRelayOnly: options.blockRelayOnly,
    maxConnections: options.maxConnections,
    banSeconds: options.banSeconds,
    mempoolSyncMs: options.mempoolSync * 1000,
    dataDir: join(options.networkDir, 'p2p'),
    ...(options.announceInterval !== undefined ? { announceIntervalMs: options.announceInterval * 1000 } : {}),
    ...(options.feelerInterval !== undefined ? { feelerIntervalMs: options.feelerInterval * 1000 } : {}),
  };
}
