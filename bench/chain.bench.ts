import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../src/chain/chain.js';
import { InlineVerifier, type SignatureVerifier, WorkerPoolVerifier, verifyWithCache } from '../src/verify/sig-verifier.js';
import { SighashCache } from '../src/consensus/sighash.js';
import { prepareP2wpkhInput } from '../src/consensus/p2wpkh.js';
import { defineNetwork, networks } from '../src/params/index.js';
import { Block, OutPoint, type Transaction } from '../src/primitives/index.js';
import { ChainStore } from '../src/store/chain-store.js';
import { Branch, FAR_FUTURE, TestKey, coinbaseOutpoint } from '../test/helpers/chain-harness.js';
import type { Figure } from './measure.js';

export const title = 'chain: connecting blocks of P2WPKH spends (each tx 1 input, 1 output)';

const params = defineNetwork({ name: 'benchnet', coinbaseMaturity: 1 }, networks.regtest);
const key = new TestKey('bench');

/** Block 1 pays the key; block 2 fans its coinbase out to `count` coins; block 3 spends each in its own tx. */
function buildBlocks(count: number): Block[] {
  const branch = Branch.fromGenesis(params, 1, key.script);
  const first = branch.next();
  const value = first.txs[0].outputs[0].value;
  const share = (value - 10_000n) / BigInt(count);
  const fanOut = key.spend([{ outpoint: coinbaseOutpoint(first), value }], Array.from({ length: count }, () => ({ value: share, script: key.script })));
  branch.next({ txs: [fanOut], fees: value - share * BigInt(count) });
  const spends: Transaction[] = [];
  for (let i = 0; i < count; i++) {
    spends.push(key.spend([{ outpoint: new OutPoint(fanOut.txidBytes(), i), value: share }], [{ value: share - 200n, script: key.script }]));
  }
  branch.next({ txs: spends, fees: 200n * BigInt(count) });
  return [branch.at(1), branch.at(2), branch.at(3)];
}

async function timeConnect(blocks: Block[], verifier: SignatureVerifier, warm: boolean): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'powcoin-bench-'));
  const store = await ChainStore.open(dir, params);
  try {
    const chain = await Chain.open({}, { store, params, verifier, now: () => FAR_FUTURE });
    await chain.processBlock(blocks[0]);
    await chain.processBlock(blocks[1]);
    const target = blocks[2];
    const raw = target.encode();
    if (warm) {
      // As if every tx had been accepted to the mempool first, which fills the shared signature cache.
      const fanOut = blocks[1].txs[1];
      const checks = target.txs.slice(1).map((tx) => prepareP2wpkhInput(tx, 0, fanOut.outputs[tx.inputs[0].prevout.index], new SighashCache(tx)));
      await verifyWithCache(verifier, chain.sigCache, checks);
    }
    // From raw bytes, as a block arrives from a peer: decoding and hashing are part of the cost.
    const start = performance.now();
    const result = await chain.processBlock(Block.decode(raw));
    const elapsed = performance.now() - start;
    if (result.status !== 'connected') throw new Error(`benchmark block was not connected: ${result.status}`);
    await chain.close();
    return elapsed;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const verifiers: Array<[string, () => SignatureVerifier]> = [
    ['inline', () => new InlineVerifier()],
    ['1 worker', () => new WorkerPoolVerifier({ threads: 1 })],
    ['2 workers', () => new WorkerPoolVerifier({ threads: 2 })],
  ];
  for (const count of [1, 100, 2000]) {
    const blocks = buildBlocks(count);
    for (const [name, make] of verifiers) {
      for (const warm of [false, true]) {
        const verifier = make();
        // Best of three, workers already started by the first.
        const times: number[] = [];
        for (let i = 0; i < 3; i++) times.push(await timeConnect(blocks, verifier, warm));
        await verifier.close();
        const ms = Math.min(...times);
        const label = `${String(count).padStart(4)}-tx block, ${name.padEnd(9)} ${warm ? 'warm cache' : 'cold'}`;
        figures.push({ name: `${label}: connect time`, value: ms, unit: 'ms' });
        if (count > 1) figures.push({ name: `${label}: inputs/s`, value: (count * 1000) / ms, unit: 'inputs/s' });
      }
    }
  }
  return figures;
}
