import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain, type ChainModules, type ChainOptions } from '../../src/chain/chain.js';
import { InlineVerifier, type SignatureVerifier } from '../../src/verify/sig-verifier.js';
import { connectBlockInputs } from '../../src/consensus/block-inputs.js';
import { p2wpkhScript } from '../../src/consensus/script.js';
import { signTransaction } from '../../src/consensus/p2wpkh.js';
import { networks } from '../../src/params/index.js';
import type { NetworkParams } from '../../src/params/types.js';
import { Block, type Coin, OutPoint, Transaction, hash160, hashToHex, publicKeyFromPrivate, sha256 } from '../../src/primitives/index.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { MemoryCoinView } from './coin-view.js';
import { buildBlock, genesisBlock } from './builders.js';

/** Block times run ahead of the wall clock in tests (600 s a block), so the chain's clock is set far ahead. */
export const FAR_FUTURE = 2_000_000_000;

export interface Harness {
  chain: Chain;
  store: ChainStore;
  dir: string;
  params: NetworkParams;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(
  options: { params?: NetworkParams; verifier?: SignatureVerifier; modules?: Partial<ChainModules>; chainOptions?: Partial<ChainOptions> } = {},
): Promise<Harness> {
  const params = options.params ?? networks.regtest;
  const dir = await mkdtemp(join(tmpdir(), 'powcoin-chain-'));
  const verifier = options.verifier ?? new InlineVerifier();
  const open = async () => {
    const store = await ChainStore.open(dir, params);
    const chain = await Chain.open(options.chainOptions ?? {}, { store, params, verifier, now: () => FAR_FUTURE, ...options.modules });
    return { store, chain };
  };
  const harness = { dir, params, ...(await open()) } as Harness;
  harness.reopen = async () => {
    await harness.chain.close();
    await harness.store.close();
    Object.assign(harness, await open());
  };
  harness.close = async () => {
    await harness.chain.close();
    await harness.store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return harness;
}

/** A key the tests pay coinbases to, so later blocks can spend them with real signatures. */
export class TestKey {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly script: Uint8Array;

  constructor(label: string) {
    this.privateKey = sha256(new TextEncoder().encode(`powcoin test key ${label}`));
    this.publicKey = publicKeyFromPrivate(this.privateKey);
    this.script = p2wpkhScript(hash160(this.publicKey));
  }

  /** A signed tx spending `coins` (all paid to this key) into `outputs`. */
  spend(coins: ReadonlyArray<{ outpoint: OutPoint; value: bigint }>, outputs: ReadonlyArray<{ value: bigint; script: Uint8Array }>): Transaction {
    const unsigned = new Transaction({
      version: 2,
      inputs: coins.map(({ outpoint }) => ({ prevout: outpoint, scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [] })),
      outputs,
      locktime: 0,
    });
    return signTransaction(unsigned, coins.map(({ value }) => ({ privateKey: this.privateKey, value })));
  }
}

/**
 * Builds blocks on a branch. `path[h]` is the branch's block at height h, genesis included, so
 * forks share their ancestors' blocks; each branch has its own tag so sibling blocks differ.
 */
export class Branch {
  private constructor(
    readonly params: NetworkParams,
    private readonly path: Block[],
    private readonly tag: number,
    private readonly payoutScript?: Uint8Array,
  ) {}

  static fromGenesis(params: NetworkParams, tag = 0, payoutScript?: Uint8Array): Branch {
    return new Branch(params, [genesisBlock(params)], tag, payoutScript);
  }

  /** A branch continuing from `parent` at `height` (for blocks that should not extend this one). */
  static on(params: NetworkParams, parent: Block, height: number, tag: number, payoutScript?: Uint8Array): Branch {
    const path = new Array<Block>(height + 1);
    path[height] = parent;
    return new Branch(params, path, tag, payoutScript);
  }

  get tip(): Block {
    return this.path[this.path.length - 1];
  }

  get height(): number {
    return this.path.length - 1;
  }

  /** The block at `height` on this branch. */
  at(height: number): Block {
    const block = this.path[height];
    if (!block) throw new Error(`this branch has no block at height ${height}`);
    return block;
  }

  /** A fork sharing this branch's blocks up to `height`. */
  forkAt(height: number, tag: number, payoutScript?: Uint8Array): Branch {
    this.at(height);
    return new Branch(this.params, this.path.slice(0, height + 1), tag, payoutScript ?? this.payoutScript);
  }

  /** The next block, with optional txs; `fees` is added to the coinbase. */
  next(options: { txs?: Transaction[]; fees?: bigint; coinbaseValue?: bigint } = {}): Block {
    const block = buildBlock({
      params: this.params,
      parent: this.tip,
      height: this.height + 1,
      txs: options.txs,
      fees: options.fees,
      coinbaseValue: options.coinbaseValue,
      payoutScript: this.payoutScript,
      tag: this.tag,
    });
    this.path.push(block);
    return block;
  }

  extend(count: number): Block[] {
    return Array.from({ length: count }, () => this.next());
  }
}

export async function processAll(chain: Chain, blocks: readonly Block[]): Promise<void> {
  for (const block of blocks) await chain.processBlock(block);
}

/** The UTXO set rebuilt from scratch by replaying the stored main-chain blocks. */
export async function rebuildUtxoSet(chain: Chain): Promise<Map<string, Coin>> {
  const view = new MemoryCoinView();
  for (let height = 1; height <= chain.height; height++) {
    const entry = chain.getEntryAtHeight(height)!;
    const block = await chain.getBlock(entry.hash);
    if (!block) throw new Error(`main-chain block ${entry.hash} has no body`);
    view.apply(connectBlockInputs(block, height, view, chain.params));
  }
  const coins = new Map<string, Coin>();
  for (const [key, coin] of view.entries()) coins.set(key, coin);
  return coins;
}

/** The UTXO set as the store holds it. */
export async function storedUtxoSet(store: ChainStore): Promise<Map<string, Coin>> {
  const coins = new Map<string, Coin>();
  for await (const { outpoint, coin } of store.iterateCoins()) coins.set(outpoint.key(), coin);
  return coins;
}

export function coinbaseOutpoint(block: Block): OutPoint {
  return new OutPoint(block.txs[0].txidBytes(), 0);
}

export function describeCoins(coins: Map<string, Coin>): string[] {
  return [...coins].map(([key, coin]) => `${key} ${coin.value} ${hashToHex(coin.script)} ${coin.height} ${coin.coinbase}`).sort();
}
