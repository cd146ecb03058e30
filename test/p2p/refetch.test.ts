/** A body our store can no longer read is marked lost and fetched again from a peer. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TestNode, closeAll, link, payingBranch, startNode, waitFor } from './helpers.js';

describe('lost blocks', () => {
  const nodes: TestNode[] = [];
  after(async () => closeAll(nodes));

  test('a stored body overwritten with garbage is reported, marked lost and fetched again from a peer', async () => {
    const blocks = payingBranch(31).extend(12);
    const a = await startNode({ blocks });
    const b = await startNode({ blocks });
    nodes.push(a, b);
    await link(a, b);
    const victim = blocks[4];
    const bytes = victim.encode();
    bytes.fill(0xee, 20, 84);
    // Overwrite the stored body in LevelDB, as a damaged disk would.
    await a.h.store.batch().putBlock(victim.header.hashBytes(), bytes).write();
    await waitFor(() => a.p2p.peers().length > 0, 10_000, 'a peer with status');
    assert.equal(await a.h.chain.getBlock(victim.hash()), undefined, 'an unreadable body is not served');
    await waitFor(async () => (await a.h.chain.getBlock(victim.hash()))?.hash() === victim.hash(), 20_000, 'the lost block fetched again');
    assert.deepEqual(a.h.chain.lostBlocks(), []);
  });
});
