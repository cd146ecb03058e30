import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { WalletRebroadcaster } from '../../src/node/rebroadcast.js';
import { silentLogger } from '../../src/util/logger.js';
import { addressToScript } from '../../src/primitives/index.js';
import { Wallet } from '../../src/wallet/index.js';
import { Branch } from '../helpers/chain-harness.js';
import { closeAll, link, params, startNode, type TestNode, waitFor } from './helpers.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('wallet rebroadcast', () => {
  const nodes: TestNode[] = [];
  const cleanup: Array<() => Promise<void>> = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step();
    await closeAll(nodes);
  });

  test("a wallet's unconfirmed tx reaches a node that missed it", async () => {
    // No mempool reconciliation: only the rebroadcast can repair what gossip lost.
    const p2p = { mempoolSyncMs: 0 };
    const a = await startNode({ p2p });
    const b = await startNode({ p2p });
    nodes.push(a, b);
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-rebroadcast-'));
    const wallet = await Wallet.open({ dir, params, mnemonic: MNEMONIC, scryptLogN: 10 }, { chain: a.h.chain, mempool: a.mempool });
    cleanup.push(async () => {
      await wallet.close();
      await rm(dir, { recursive: true, force: true });
    });
    const branch = Branch.fromGenesis(params, 80, addressToScript(await wallet.getNewAddress(), params.bech32Prefix));
    for (const block of branch.extend(3)) {
      await a.h.chain.processBlock(block);
      await b.h.chain.processBlock(block);
    }
    await a.mempool.idle();
    await wallet.idle();
    // Sent while A had no peers: gossip published it to nobody.
    const sent = await wallet.send([{ address: await wallet.getNewAddress(), amount: 100_000_000n }]);
    assert.ok(a.mempool.has(sent.txid));
    await link(a, b);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(b.mempool.has(sent.txid), false, 'gossip does not repeat it');

    const rebroadcaster = new WalletRebroadcaster({ meanMs: 200 }, { wallet, relay: (txs) => a.p2p.relay(txs), logger: silentLogger });
    cleanup.push(() => rebroadcaster.stop());
    rebroadcaster.start();
    await waitFor(() => b.mempool.has(sent.txid), 20_000, 'the rebroadcast tx at the other node');
  });
});
