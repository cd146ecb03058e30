import type { Block } from '../primitives/block.js';
import type { ChainEventSource } from './interfaces.js';
import type { Logger } from '../util/logger.js';

/** The mempool's side of following the chain; each call queues behind pending acceptances. */
export interface ChainFollower {
  blockConnected(block: Block): Promise<void>;
  blockDisconnected(block: Block): Promise<void>;
  /** The chain finished a processBlock that moved the tip: a reorg, if any, is complete. */
  tipChanged(): Promise<void>;
}

/**
 * Wires a follower to the chain's events, as the node does: blocks connected and disconnected in
 * order, and tipChanged as the end of a (possibly multi-block) reorg, when the disconnected txs
 * are offered back. Chain listeners are synchronous, so the work is queued and failures (bugs,
 * never rule violations) are logged. Returns a function that stops following.
 */
export function followChain(follower: ChainFollower, chain: ChainEventSource, logger: Logger): () => void {
  const failed = (event: string) => (err: unknown) => logger.error({ event, err }, 'mempool failed to follow the chain');
  const onConnected = ({ block }: { block: Block }) => void follower.blockConnected(block).catch(failed('blockConnected'));
  const onDisconnected = ({ block }: { block: Block }) => void follower.blockDisconnected(block).catch(failed('blockDisconnected'));
  const onTipChanged = () => void follower.tipChanged().catch(failed('tipChanged'));
  chain.on('blockConnected', onConnected);
  chain.on('blockDisconnected', onDisconnected);
  chain.on('tipChanged', onTipChanged);
  return () => {
    chain.off('blockConnected', onConnected);
    chain.off('blockDisconnected', onDisconnected);
    chain.off('tipChanged', onTipChanged);
  };
}
