/**
 * Asks peers again for blocks our own store lost (a body that could not be read: the chain
 * marks the entry and lists it in lostBlocks()). One pass tries each lost block with each peer
 * that told us its status until one delivers it; a pass runs when a block is lost and when a
 * peer's status arrives, one at a time.
 */
import type { PeerId } from '@libp2p/interface';
import type { Block } from '../primitives/block.js';

import type { ProtocolContext } from './protocols/context.js';
import { requestBlocks } from './protocols/blocks.js';
import { Rerun } from './rerun.js';
import type { Logger } from '../util/logger.js';

export interface RefetchModules {
  context: ProtocolContext;
  chain: { lostBlocks?(): ReadonlyArray<{ readonly hash: string }>; processBlock(block: Block): Promise<unknown> };
  /** Peers to ask, best first. */
  peers: () => PeerId[];
  logger: Logger;
}

export class LostBlockFetcher {
  private readonly passes = new Rerun(() => this.pass());
  private stopped = false;

  constructor(private readonly modules: RefetchModules) {}

  /** Starts a pass, or queues one more after the running pass. */
  kick(): void {
    if (!this.stopped) this.passes.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.passes.settled();
  }

  private async pass(): Promise<void> {
    const { chain, context, logger } = this.modules;
    for (const { hash } of chain.lostBlocks?.() ?? []) {
      for (const peer of this.modules.peers()) {
        if (this.stopped) return;
        try {
          const [block] = await requestBlocks(context, peer, [hash]);
          if (!block) continue;
          await chain.processBlock(block);
          logger.info({ hash, peer: peer.toString() }, 'lost block fetched again');
          break;
        } catch (err) {
          logger.debug({ hash, peer: peer.toString(), err: String(err) }, 'could not fetch a lost block');
        }
      }
    }
  }
}
