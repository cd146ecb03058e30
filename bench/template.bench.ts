import { buildBlockTemplate } from '../src/miner/template.js';
import { networks } from '../src/params/index.js';
import { OutPoint, type Transaction, sha256 } from '../src/primitives/index.js';
import { TestKey } from '../test/helpers/chain-harness.js';
import { ListTemplateSource } from '../test/helpers/list-source.js';
import { type Coin, fanOut, spendWithFee } from '../test/helpers/miner-fixtures.js';
import { duration, type Figure } from './measure.js';

export const title = 'miner: block template from a source of 5,000 signed P2WPKH txs (3,000 single, 400 chains of 5)';

const params = networks.regtest;
const key = new TestKey('template bench');
const SINGLES = 3000;
const CHAINS = 400;
const CHAIN_LENGTH = 5;

/** Real signed txs: one confirmed fan-out feeds singles with varied fees and parent→child chains. */
function buildSource(): ListTemplateSource {
  // Stands for a confirmed coin: the template builder trusts the source, as it trusts the mempool.
  const funding: Coin = { outpoint: new OutPoint(sha256(new TextEncoder().encode('bench funding')), 0), value: 1_000_000n * 100_000_000n };
  const split = fanOut(key, funding, SINGLES + CHAINS, 0n);
  const source = new ListTemplateSource().addCoins(split.coins);
  const txs: Transaction[] = [];
  split.coins.slice(0, SINGLES).forEach((coin, i) => txs.push(spendWithFee(key, coin, BigInt(500 + ((i * 7919) % 20_000))).tx));
  split.coins.slice(SINGLES).forEach((coin, c) => {
    for (let depth = 0; depth < CHAIN_LENGTH; depth++) {
      const spend = spendWithFee(key, coin, BigInt(200 + ((c * 31 + depth * 4801) % 30_000)));
      txs.push(spend.tx);
      coin = spend.coin;
    }
  });
  for (const tx of txs) source.add(tx);
  return source;
}

export async function run(): Promise<Figure[]> {
  const source = buildSource();
  const genesisHash = Uint8Array.from(Buffer.from(params.genesisHash, 'hex').reverse());
  const input = {
    tip: { hash: params.genesisHash, height: 0, time: 0, hashBytes: genesisHash },
    bits: 0x207fffff,
    medianTimePast: 0,
    params,
    payoutScript: key.script,
    extraNonce: 0,
    now: 2_000_000_000,
    source,
  };
  let template = buildBlockTemplate(input);
  const build = await duration(`${source.size} txs in the source: build template`, () => {
    template = buildBlockTemplate(input);
  }, 5);
  const tight = await duration(`${source.size} txs, maxWeight 400,000 (a tenth): build`, () => buildBlockTemplate({ ...input, maxWeight: 400_000 }), 5);
  let extraNonce = 1;
  const rebuilds = 2000;
  const rebuild = await duration(`new extranonce (merkle branch), ${rebuilds} times`, () => {
    for (let i = 0; i < rebuilds; i++) template.rebuild({ extraNonce: extraNonce++ });
  });
  return [
    build,
    { name: '  txs selected', value: template.txs.length, unit: 'txs' },
    { name: '  block weight', value: template.weight, unit: 'WU' },
    tight,
    { name: 'new extranonce: per rebuild', value: (rebuild.value * 1000) / rebuilds, unit: 'µs' },
  ];
}
