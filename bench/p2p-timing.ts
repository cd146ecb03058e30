/** Timing helpers shared by the p2p benches. */
import type { TestNode } from '../test/p2p/helpers.js';

/** Resolves with the time `node` connects `hash` as its tip. */
export function tipReached(node: TestNode, hash: string): Promise<number> {
  return new Promise((resolve) => {
    if (node.h.chain.tip.hash === hash) return resolve(performance.now());
    const listener = ({ tip }: { tip: { hash: string } }): void => {
      if (tip.hash !== hash) return;
      node.h.chain.off('tipChanged', listener);
      resolve(performance.now());
    };
    node.h.chain.on('tipChanged', listener);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
