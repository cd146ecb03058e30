import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { FAR_FUTURE, describeCoins, rebuildUtxoSet, storedUtxoSet } from '../helpers/chain-harness.js';
import { crashParams, crashScenario } from './fixtures/crash-scenario.js';
import { startChild } from './fixtures/killable-child.js';

const ROUNDS = 25;

/** Opens the data dir as a fresh node would, checks the chain state is whole, and closes it. */
async function checkConsistent(dir: string): Promise<{ height: number; tip: string }> {
  const store = await ChainStore.open(dir, crashParams);
  try {
    const chain = await Chain.open({}, { store, params: crashParams, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
    const storedTip = await store.getTip();
    assert.ok(storedTip);
    assert.equal(Buffer.from(storedTip).toString('hex'), Buffer.from(chain.tip.hashBytes).toString('hex'));
    assert.deepEqual(describeCoins(await storedUtxoSet(store)), describeCoins(await rebuildUtxoSet(chain)));
    for (let height = 0; height <= chain.height; height++) {
      const stored = await store.getHashAtHeight(height);
      assert.equal(Buffer.from(stored!).toString('hex'), Buffer.from(chain.getEntryAtHeight(height)!.hashBytes).toString('hex'));
    }
    await chain.close();
    return { height: chain.height, tip: chain.tip.hash };
  } finally {
    await store.close();
  }
}

describe('crash safety', () => {
  test(`SIGKILL at random moments while connecting and reorganising (${ROUNDS} rounds) never leaves an inconsistent chain state`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powcoin-crash-'));
    const { bestTip } = crashScenario();
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    try {
      const heights: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const { child, ready, exited } = startChild('crash-child.ts', [dir]);
        await ready;
        await new Promise((resolve) => setTimeout(resolve, random() * 60));
        child.kill('SIGKILL');
        await exited;
        heights.push((await checkConsistent(dir)).height);
      }
      // Finally let it run to the end: the most-work tip of the scenario must win.
      const { ready, exited } = startChild('crash-child.ts', [dir]);
      await ready;
      assert.equal(await exited, 0);
      const final = await checkConsistent(dir);
      assert.equal(final.tip, bestTip);
      assert.ok(heights.some((h) => h > 0), `the child made progress before being killed: ${heights.join(',')}`);
      console.log(`heights after each kill: ${heights.join(',')}; final ${final.height}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
