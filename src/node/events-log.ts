/**
 * What an operator wants to see at info level as the chain moves: each block with its figures.
 * Invalid blocks and reorgs are logged by the chain itself, once.
 */
import type { Chain } from '../chain/chain.js';
import type { Logger } from '../util/logger.js';
import type { Mempool } from '../mempool/mempool.js';

export function logChainEvents(chain: Chain, mempool: Mempool, logger: Logger): void {
  chain.on('blockConnected', ({ entry, block }) => {
    logger.info(
      { height: entry.height, hash: entry.hash, txs: block.txs.length, size: block.size(), weight: block.weight(), time: entry.header.time, mempool: mempool.size },
      'block connected',
    );
  });
}
