import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { TipChange } from '../../src/p2p/interfaces.js';
import { closeAll, payingBranch, startNode, type TestNode, waitForTip } from './helpers.js';

describe('restart during sync', () => {
  const nodes: TestNode[] = [];
  after(async () => closeAll(nodes));

  test('a node stopped mid-sync resumes from its stored height with the same identity and reaches the tip', async () => {
    const branch = payingBranch(70);
    const a = await startNode({ blocks: branch.extend(1_500) });
    const b = await startNode();
    nodes.push(a, b);
    const idBefore = b.p2p.peerId;
    // Stop B from its own tipChanged once it is a few hundred blocks in, so the moment does not
    // depend on how fast this machine syncs.
    const chainBefore = b.h.chain;
    const midway = new Promise<void>((resolve) => {
      const onTip = ({ tip }: TipChange): void => {
        if (tip.height < 300) return;
        chainBefore.off('tipChanged', onTip);
        resolve();
      };
      chainBefore.on('tipChanged', onTip);
    });
    await b.p2p.connect(a.p2p.addresses()[0]);
    await midway;
    await b.restart();
    const resumedAt = b.h.chain.height;
    assert.equal(b.p2p.peerId, idBefore, 'same identity');
    assert.ok(resumedAt >= 300 && resumedAt < 1_400, `reopened mid-sync at height ${resumedAt}`);
    assert.equal(b.h.chain.tip.hash, branch.at(resumedAt).hash(), 'the stored chain is the one it was syncing');

    // Back online: only the missing blocks are fetched and connected, from where it stopped.
    const connected: number[] = [];
    b.h.chain.on('blockConnected', ({ entry }) => connected.push(entry.height));
    await b.p2p.connect(a.p2p.addresses()[0]);
    await waitForTip([b], branch.tip.hash(), 30_000);
    assert.equal(connected.length, 1_500 - resumedAt);
    assert.equal(connected[0], resumedAt + 1);
    assert.equal(a.p2p.banScore(b.p2p.peerId), 0, 'an interrupted sync is not misbehaviour');
  });
});
