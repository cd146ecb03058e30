import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../src/chain/chain.js';
import { SignatureCache } from '../src/verify/sig-cache.js';
import { InlineVerifier } from '../src/verify/sig-verifier.js';
import { Mempool } from '../src/mempool/index.js';
import { defineNetwork, networks } from '../src/params/index.js';
import { type Block, OutPoint, type Transaction } from '../src/primitives/index.js';
import { ChainStore } from '../src/store/chain-store.js';
import { Branch, FAR_FUTURE, TestKey, coinbaseOutpoint } from '../test/helpers/chain-harness.js';
import type { Figure } from './measure.js';

export const title = 'mempool: accepting 1-in-1-out P2WPKH spends (cold signature cache, inline verifier)';

const params = defineNetwork({ name: 'benchmempool', coinbaseMaturity: 1 }, networks.regtest);
const key = new TestKey('bench mempool');
const POOL_TXS = 5_000;

/** Block 1 pays the key, block 2 fans its coinbase out to `count` coins; then one signed spend of each, and block 3 mining them all. */
function buildScenario(count: number): { blocks: Block[]; spends: Transaction[]; mined: Block } {
  const branch = Branch.fromGenesis(params, 1, key.script);
  const first = branch.next();
  const value = first.txs[0].outputs[0].value;
  const share = (value - 100_000n) / BigInt(count);
  const fanOut = key.spend([{ outpoint: coinbaseOutpoint(first), value }], Array.from({ length: count }, () => ({ value: share, script: key.script })));
  branch.next({ txs: [fanOut], fees: value - share * BigInt(count) });
  const spends = Array.from({ length: count }, (_, i) =>
    key.spend([{ outpoint: new OutPoint(fanOut.txidBytes(), i), value: share }], [{ value: share - 200n - BigInt(i), script: key.script }]),
  );
  const fees = spends.reduce((sum, _, i) => sum + 200n + BigInt(i), 0n);
  const mined = branch.next({ txs: spends, fees });
  return { blocks: [branch.at(1), branch.at(2)], spends, mined };
}

interface Run {
  fillMs: number;
  blockMs: number;
}

/** A fresh chain and an empty pool with a cold cache; times filling the pool, then a block that mines it all. */
async function fillAndMine(scenario: ReturnType<typeof buildScenario>): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'powcoin-bench-mempool-'));
  const store = await ChainStore.open(dir, params);
  try {
    const verifier = new InlineVerifier();
    const sigCache = new SignatureCache();
    const chain = await Chain.open({}, { store, params, verifier, sigCache, now: () => FAR_FUTURE });
    for (const block of scenario.blocks) await chain.processBlock(block);
    const mempool = new Mempool({}, { chain, params, verifier, sigCache });
    const unfollow = mempool.followChain(chain);
    const start = performance.now();
    for (const tx of scenario.spends) {
      const result = await mempool.acceptTransaction(tx);
      if (result.status !== 'accepted') throw new Error(`benchmark tx not accepted: ${result.status}`);
    }
    const fillMs = performance.now() - start;
    const blockStart = performance.now();
    await chain.processBlock(scenario.mined);
    await mempool.idle();
    const blockMs = performance.now() - blockStart;
    if (mempool.size !== 0) throw new Error(`${mempool.size} txs left after the block`);
    unfollow();
    await chain.close();
    return { fillMs, blockMs };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Figure[]> {
  const scenario = buildScenario(POOL_TXS);
  const runs: Run[] = [];
  for (let i = 0; i < 3; i++) runs.push(await fillAndMine(scenario));
  const fillMs = Math.min(...runs.map((r) => r.fillMs));
  const blockMs = Math.min(...runs.map((r) => r.blockMs));
  return [
    { name: 'acceptances (1-in-1-out, cold signatures)', value: (POOL_TXS * 1000) / fillMs, unit: 'tx/s' },
    { name: `fill an empty pool with ${POOL_TXS.toLocaleString('en-US')} txs`, value: fillMs, unit: 'ms' },
    { name: `connect a block mining all ${POOL_TXS.toLocaleString('en-US')} (warm cache) + pool update`, value: blockMs, unit: 'ms' },
  ];
}
