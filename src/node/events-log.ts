/**
 * What an operator wants to see at info level as the chain moves: each block once, with its
 * figures (the miner's, wallet's and chain's own notes on the same block are debug; invalid
 * blocks and reorgs are logged by the chain itself, once). The block's
 * time is `blockTime`: pino's `time` is the log line's, in ms.
 */
import type { Chain } from '../chain/chain.js';
import type { Logger } from '../util/logger.js';
import type { Mempool } from '../mempool/mempool.js';

export function logChainEvents(chain: Chain, mempool: Mempool, logger: Logger): void {
  chain.on('blockConnected', ({ entry, block }) => {
    logger.info(
      { height: entry.height, hash: entry.hash, txs: block.txs.length, size: block.size(), weight: block.weight(), blockTime: entry.header.time, mempool: mempool.size },
      'block connected',
    );
  });
}
