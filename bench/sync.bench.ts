/**
 * Initial sync over real libp2p on 127.0.0.1 (all nodes in this process, sharing its CPU): a
 * 10,000-block regtest chain with transactions, synced by a fresh node from 1 and from 3
 * peers, with the coin cache on (batched flushes while catching up) and with a flush after
 * every block. The source chain is built once and its LevelDB directory copied per source.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain, type ChainOptions } from '../src/chain/chain.js';
import { DEFAULT_FLUSH_POLICY } from '../src/chain/flush-policy.js';
import { InlineVerifier } from '../src/verify/sig-verifier.js';
import { Mempool } from '../src/mempool/index.js';
import { P2PNode } from '../src/p2p/node.js';
import { type Block, OutPoint, type Transaction } from '../src/primitives/index.js';
import { ChainStore } from '../src/store/chain-store.js';
import { defineNetwork, networks } from '../src/params/index.js';
import { Branch, FAR_FUTURE, TestKey } from '../test/helpers/chain-harness.js';
import type { Figure } from './measure.js';

export const title = 'sync: a fresh node syncing 10,000 blocks with transactions over real libp2p on 127.0.0.1';

const BLOCKS = 10_000;
/** Regtest halves the subsidy every 150 blocks; the spends need coinbases worth spending throughout. */
const params = defineNetwork({ name: 'synctest', coinbaseMaturity: 1, halvingInterval: 1_000_000 }, networks.regtest);
const key = new TestKey('sync-bench');
/** Outputs of each spend: more coins make the UTXO set (and the cache) work harder. */
const FAN_OUT = 8;

interface BenchNode {
  chain: Chain;
  store: ChainStore;
  p2p: P2PNode;
  close(): Promise<void>;
}

/** Every other block spends an earlier coinbase into FAN_OUT outputs, and one of those outputs of the tx before. */
function buildChain(): Block[] {
  const branch = Branch.fromGenesis(params, 77, key.script);
  const blocks = branch.extend(4);
  let previous: Transaction | undefined;
  while (blocks.length < BLOCKS) {
    if (branch.height % 2 === 1) {
      blocks.push(branch.next());
      continue;
    }
    const source = branch.at(branch.height - 2);
    const value = source.txs[0].outputs[0].value;
    const part = (value - 10_000n) / BigInt(FAN_OUT);
    const fan = key.spend([{ outpoint: new OutPoint(source.txs[0].txidBytes(), 0), value }], Array.from({ length: FAN_OUT }, () => ({ value: part, script: key.script })));
    const txs = [fan];
    if (previous) {
      const v = previous.outputs[0].value;
      txs.push(key.spend([{ outpoint: new OutPoint(previous.txidBytes(), 0), value: v }], [{ value: v - 1_000n, script: key.script }]));
    }
    blocks.push(branch.next({ txs, fees: 10_000n + (previous ? 1_000n : 0n) }));
    previous = fan;
  }
  return blocks;
}

async function openNode(dir: string, options: Partial<ChainOptions>): Promise<BenchNode> {
  const store = await ChainStore.open(dir, params);
  const chain = await Chain.open(options, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
  const mempool = new Mempool({}, { chain, params, verifier: new InlineVerifier(), sigCache: chain.sigCache });
  const unfollow = mempool.followChain(chain);
  const p2p = new P2PNode({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], dataDir: `${dir}-p2p` }, { chain, mempool, params });
  await p2p.start();
  return {
    chain,
    store,
    p2p,
    async close() {
      await p2p.stop();
      unfollow();
      await mempool.idle();
      await chain.close();
      await store.close();
    },
  };
}

function tipReached(chain: Chain, hash: string): Promise<number> {
  return new Promise((resolve) => {
    if (chain.tip.hash === hash) return resolve(performance.now());
    const listener = ({ tip }: { tip: { hash: string } }): void => {
      if (tip.hash !== hash) return;
      chain.off('tipChanged', listener);
      resolve(performance.now());
    };
    chain.on('tipChanged', listener);
  });
}

async function syncOnce(sourceDirs: string[], peers: number, cache: boolean, blocks: Block[], bytes: number, root: string): Promise<Figure[]> {
  const sources: BenchNode[] = [];
  let fresh: BenchNode | undefined;
  const label = `${peers} peer${peers > 1 ? 's' : ''}, ${cache ? 'coin cache on' : 'flush every block'}`;
  try {
    for (let i = 0; i < peers; i++) {
      const dir = join(root, `source-copy-${peers}-${cache}-${i}`);
      await cp(sourceDirs[0], dir, { recursive: true });
      sources.push(await openNode(dir, {}));
    }
    const flush = cache ? DEFAULT_FLUSH_POLICY : { ...DEFAULT_FLUSH_POLICY, maxBytes: 0 };
    fresh = await openNode(join(root, `fresh-${peers}-${cache}`), { flush });
    const target = blocks[blocks.length - 1].hash();
    const done = tipReached(fresh.chain, target);
    const start = performance.now();
    for (const source of sources) await fresh.p2p.connect(source.p2p.addresses()[0]);
    const seconds = ((await done) - start) / 1000;
    return [
      { name: `${label}: blocks`, value: BLOCKS / seconds, unit: 'blocks/s' },
      { name: `${label}: block data`, value: bytes / 1e6 / seconds, unit: 'MB/s' },
      { name: `${label}: total`, value: seconds, unit: 's' },
    ];
  } finally {
    await fresh?.close();
    for (const source of sources) await source.close();
  }
}

async function connectLocally(blocks: readonly Block[], cache: boolean, root: string): Promise<Figure> {
  const dir = join(root, `local-${cache}`);
  const store = await ChainStore.open(dir, params);
  const flush = cache ? DEFAULT_FLUSH_POLICY : { ...DEFAULT_FLUSH_POLICY, maxBytes: 0 };
  const chain = await Chain.open({ flush }, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
  const start = performance.now();
  for (const block of blocks) await chain.processBlock(block);
  await chain.close(); // the final flush counts
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return { name: `connect locally (no network), ${cache ? 'coin cache on' : 'flush every block'}`, value: BLOCKS / seconds, unit: 'blocks/s' };
}

export async function run(): Promise<Figure[]> {
  const root = await mkdtemp(join(tmpdir(), 'powcoin-bench-sync-'));
  try {
    const buildStart = performance.now();
    const blocks = buildChain();
    const bytes = blocks.reduce((sum, block) => sum + block.size(), 0);
    const txs = blocks.reduce((sum, block) => sum + block.txs.length - 1, 0);
    const sourceDir = join(root, 'source');
    const store = await ChainStore.open(sourceDir, params);
    const chain = await Chain.open({}, { store, params, verifier: new InlineVerifier(), now: () => FAR_FUTURE });
    for (const block of blocks) await chain.processBlock(block);
    await chain.close();
    await store.close();
    const figures: Figure[] = [
      { name: `source chain: ${BLOCKS.toLocaleString('en-US')} blocks, ${txs.toLocaleString('en-US')} txs, ${(bytes / 1e6).toFixed(1)} MB, built and connected in`, value: (performance.now() - buildStart) / 1000, unit: 's' },
    ];
    // The cache's own effect, without the network: the same blocks connected locally.
    for (const cache of [false, true]) figures.push(await connectLocally(blocks, cache, root));
    for (const [peers, cache] of [[1, false], [1, true], [3, true]] as const) figures.push(...(await syncOnce([sourceDir], peers, cache, blocks, bytes, root)));
    return figures;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
