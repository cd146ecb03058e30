/**
 * Compact block relay, runnable alone (`npm run bench compact`): first one node's own work per
 * block (bench/compact-connect.ts), which bounds the rest; then the 10-node network in one
 * process (one event loop for all, as `npm run bench p2p` measures it), with a thread per node
 * and with a process per node (each node its own event loop, as on separate machines; the
 * cores are still shared).
 */
import { compactRelay } from './compact.js';
import { compactConnect } from './compact-connect.js';
import { compactRelayApart } from './compact-apart.js';
import type { Figure } from './measure.js';

export const title = 'compact block relay: 10 real libp2p nodes on 127.0.0.1';

export async function run(): Promise<Figure[]> {
  return [...(await compactConnect()), ...(await compactRelay()), ...(await compactRelayApart('thread')), ...(await compactRelayApart('process'))];
}
