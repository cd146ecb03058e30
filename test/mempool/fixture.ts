import assert from 'node:assert/strict';
import { RuleError } from '../../src/consensus/errors.js';
import { Mempool, type MempoolEntry, type MempoolOptions, type RemovalReason } from '../../src/mempool/index.js';
import { defineNetwork, networks, type NetworkParams } from '../../src/params/index.js';
import { type Block, OutPoint, type Transaction } from '../../src/primitives/index.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, openHarness, processAll } from '../helpers/chain-harness.js';
import { CountingVerifier } from '../helpers/counting-verifier.js';

export { CountingVerifier };

/** Regtest whose coinbases can be spent in the next block, so scenarios need few blocks. */
export const params = defineNetwork({ name: 'mempooltest', coinbaseMaturity: 1 }, networks.regtest);
export const key = new TestKey('mempool');
export const other = new TestKey('mempool other');

export interface Spendable {
  outpoint: OutPoint;
  value: bigint;
}

export interface Fixture {
  h: Harness;
  main: Branch;
  mempool: Mempool;
  verifier: CountingVerifier;
  clock: { now: number };
  events: Array<{ kind: 'accepted' | RemovalReason; txid: string }>;
  /** The coinbase of main-chain block `height`, paid to `key`. */
  coinbase(height: number): Spendable;
  /** Processes blocks and waits until the mempool has followed them. */
  mine(...blocks: Block[]): Promise<void>;
  close(): Promise<void>;
}

/** A real chain on a temp LevelDB with `blocks` blocks paying `key`, and a mempool following it as the node wires it. */
export async function openFixture(options: Partial<MempoolOptions> = {}, blocks = 8, network: NetworkParams = params): Promise<Fixture> {
  const verifier = new CountingVerifier();
  const h = await openHarness({ params: network, verifier });
  const main = Branch.fromGenesis(network, 1, key.script);
  const clock = { now: 1_900_000_000 };
  const mempool = new Mempool(options, { chain: h.chain, params: network, verifier, sigCache: h.chain.sigCache, now: () => clock.now });
  const unfollow = mempool.followChain(h.chain);
  const events: Fixture['events'] = [];
  mempool.on('txAccepted', ({ entry }) => events.push({ kind: 'accepted', txid: entry.txid }));
  mempool.on('txRemoved', ({ entry, reason }) => events.push({ kind: reason, txid: entry.txid }));
  const fixture: Fixture = {
    h,
    main,
    mempool,
    verifier,
    clock,
    events,
    coinbase: (height) => ({ outpoint: coinbaseOutpoint(main.at(height)), value: main.at(height).txs[0].outputs[0].value }),
    async mine(...list) {
      await processAll(h.chain, list);
      await mempool.idle();
    },
    async close() {
      unfollow();
      await mempool.idle();
      await h.close();
    },
  };
  await fixture.mine(...main.extend(blocks));
  events.length = 0;
  return fixture;
}

/** Spends `coins` (paid to `key`) into `count` equal outputs to `to`, leaving `fee`. */
export function pay(coins: Spendable | Spendable[], fee: bigint, count = 1, to: TestKey = key): Transaction {
  const list = Array.isArray(coins) ? coins : [coins];
  const total = list.reduce((sum, coin) => sum + coin.value, 0n) - fee;
  const share = total / BigInt(count);
  const outputs = Array.from({ length: count }, (_, i) => ({ value: i === 0 ? total - share * BigInt(count - 1) : share, script: to.script }));
  return key.spend(list, outputs);
}

/** Output `index` of `tx` as a coin to spend. */
export function outputOf(tx: Transaction, index = 0): Spendable {
  return { outpoint: new OutPoint(tx.txidBytes(), index), value: tx.outputs[index].value };
}

/** A chain of `length` 1-in-1-out txs, each spending the previous one's output. */
export function chainOf(start: Spendable, length: number, fee: bigint): Transaction[] {
  const txs: Transaction[] = [];
  let coin = start;
  for (let i = 0; i < length; i++) {
    const tx = pay(coin, fee);
    txs.push(tx);
    coin = outputOf(tx);
  }
  return txs;
}

export async function expectRule(promise: Promise<unknown>, code: string, action?: 'ignore' | 'reject'): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof RuleError, `expected RuleError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (action) assert.equal(err.action, action, `${code} should be ${action}`);
    return true;
  });
}

export function txids(entries: Iterable<MempoolEntry>): string[] {
  return [...entries].map((entry) => entry.txid).sort();
}
