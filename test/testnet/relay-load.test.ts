/**
 * Relay under load on 5 real daemons (seed, two miners, two wallet nodes): pre-signed payments
 * submitted with sendrawtransaction, spread round-robin across the five, at POWCOIN_RELAY_RATE
 * per second (default 100) for POWCOIN_RELAY_SECONDS (default 20; the full run is 120:
 * `POWCOIN_RELAY_SECONDS=120`). Each payment spends its own confirmed output, so nothing but
 * relay decides whether it is mined. Then every payment a node accepted is confirmed exactly
 * once on all five: gossip drops ids under load, and mempool reconciliation and the wallet's
 * rebroadcast must repair that. The achieved rate is printed, not asserted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { hexToHash } from '../../src/primitives/bytes.js';
import { scriptToAddress, type Transaction } from '../../src/primitives/index.js';
import { networks, parseNetworkConfig } from '../../src/params/index.js';
import type { RpcClient } from '../../src/rpc/client.js';
import { TestKey } from '../helpers/chain-harness.js';
import { clients, killLeftovers, mainChain, occurrences, pacedSends, readTestnetState, sats, sendReport, testnet, waitFor, upOnFreePorts, workspace } from './harness.js';

const SECONDS = Number(process.env.POWCOIN_RELAY_SECONDS ?? 20);
const RATE = Number(process.env.POWCOIN_RELAY_RATE ?? 100);
const NODES = 5;
const MAX_IN_FLIGHT = 16;
/** Outputs per fan-out tx: 2,000 P2WPKH outputs weigh about 250,000, under the standard 400,000. */
const FAN_OUT = 2_000;
const PAYMENT_FEE = 2_000n;
const NETWORK = { base: 'regtest', name: 'relayload', coinbaseMaturity: 5 };
const params = parseNetworkConfig(NETWORK, networks);

const funder = new TestKey('relay-load funder');
const payee = new TestKey('relay-load payee');

interface Sent {
  txid: string;
  node: number;
}

describe(`relay under load: ${NODES} daemons, ${RATE} pre-signed payments/s for ${SECONDS} s`, { timeout: SECONDS * 1000 + 600_000 }, () => {
  let root: string;
  let dir: string;
  let rpc: RpcClient[];
  let payments: Transaction[] = [];
  const sent: Sent[] = [];
  let sendEndedAt = 0;

  before(async () => {
    ({ root, dir } = await workspace('powcoin-relay-load-', NETWORK));
  });

  after(async () => {
    if (dir) {
      await testnet(['down', '--dir', dir]).catch(() => undefined);
      killLeftovers(dir);
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('up: 5 daemons, two mining; pre-signed payments, each spending its own confirmed output', async () => {
    await upOnFreePorts(dir, 2 * NODES, ['--network-config', `${root}/network.json`, '--nodes', String(NODES), '--miners', '2', '--mine-interval', '1']);
    rpc = clients(readTestnetState(dir));
    const fanOuts = Math.ceil((RATE * SECONDS) / FAN_OUT);
    const address = scriptToAddress(funder.script, params.bech32Prefix)!;
    // The miners race the seed, so some of its blocks end up stale: mine spares, use those that stay.
    const hashes = await rpc[0].call<string[]>('generatetoaddress', [2 * fanOuts + 2, address]);
    const coinbases = await Promise.all(hashes.map(async (hash) => (await rpc[0].call<{ tx: string[] }>('getblock', [hash, 1])).tx[0]));
    // The miners' blocks mature the coinbases (coinbaseMaturity 5).
    const funding = await waitFor('the funding coinbases to mature', async () => {
      const outs = await Promise.all(coinbases.map((txid) => rpc[0].call<{ value: number; confirmations: number } | null>('gettxout', [txid, 0])));
      const mature = coinbases.flatMap((txid, i) => (outs[i] && outs[i].confirmations > params.coinbaseMaturity ? [{ txid, value: sats(outs[i].value) }] : []));
      return mature.length >= fanOuts ? mature.slice(0, fanOuts) : undefined;
    }, 180_000, 500);
    const fans = funding.map(({ txid, value }) => {
      const fee = 200_000n;
      const each = (value - fee) / BigInt(FAN_OUT);
      return funder.spend([{ outpoint: new OutPoint(hexToHash(txid), 0), value }], Array.from({ length: FAN_OUT }, () => ({ value: each, script: funder.script })));
    });
    for (const fan of fans) await rpc[0].call('sendrawtransaction', [Buffer.from(fan.encode()).toString('hex')]);
    await waitFor('the fan-out txs confirmed on every node', async () => {
      const outs = await Promise.all(rpc.flatMap((client) => fans.map((fan) => client.call<{ confirmations: number } | null>('gettxout', [fan.txid(), 0]))));
      return outs.every((out) => out && out.confirmations >= 1);
    }, 180_000, 500);
    const signing = Date.now();
    payments = fans.flatMap((fan) =>
      fan.outputs.map((output, index) => funder.spend([{ outpoint: new OutPoint(fan.txidBytes(), index), value: output.value }], [{ value: output.value - PAYMENT_FEE, script: payee.script }])),
    );
    console.log(`relay load: ${payments.length} payments pre-signed in ${((Date.now() - signing) / 1000).toFixed(1)} s`);
  });

  test(`load: ${RATE} sendrawtransaction/s spread over the ${NODES} daemons for ${SECONDS} s`, async () => {
    const options = { nodes: NODES, rate: RATE, seconds: SECONDS, maxInFlight: MAX_IN_FLIGHT, limit: payments.length };
    const send = (k: number, node: number): Promise<string> => rpc[node].call<string>('sendrawtransaction', [Buffer.from(payments[k].encode()).toString('hex')]);
    const result = await pacedSends(options, send, (txid, node) => sent.push({ txid, node }));
    sendEndedAt = result.endedAt;
    const elapsed = (sendEndedAt - result.startedAt) / 1000;
    const { attempted } = result;
    console.log(
      [
        `relay load: ${attempted} payments submitted in ${elapsed.toFixed(1)} s (${(attempted / elapsed).toFixed(1)}/s), ${sent.length} accepted: ${(sent.length / elapsed).toFixed(1)}/s (target ${RATE}/s)`,
        ...sendReport(result, 'sendrawtransaction', MAX_IN_FLIGHT),
      ].join('\n'),
    );
    assert.ok(sent.length > 0, 'some payments were accepted');
  });

  test('every accepted payment is confirmed exactly once on all five daemons', async () => {
    const accepted = new Set(sent.map((s) => s.txid));
    assert.ok(accepted.size > 0, 'payments were accepted');
    assert.equal(accepted.size, sent.length, 'no txid answered twice');
    // Every accepted payment in every node's chain, then one snapshot height all five agree on.
    const height = await waitFor('every accepted payment mined on every node', async () => {
      const heights = await Promise.all(rpc.map((client) => client.call<number>('getblockcount')));
      const common = Math.min(...heights);
      const chains = await Promise.all(rpc.map((client) => mainChain(client, common)));
      if (chains.some((chain) => chain.hashes.at(-1) !== chains[0].hashes.at(-1))) return undefined;
      const counts = occurrences(chains[0].txids.map((txs) => txs.slice(1)));
      return [...accepted].every((txid) => counts.has(txid)) ? common : undefined;
    }, 300_000, 2_000);
    const drainSeconds = (Date.now() - sendEndedAt) / 1000;
    const chains = await Promise.all(rpc.map((client) => mainChain(client, height)));
    for (const [i, chain] of chains.entries()) {
      assert.deepEqual(chain.hashes, chains[0].hashes, `node${i} holds the same chain`);
      const counts = occurrences(chain.txids.map((txs) => txs.slice(1)));
      const wrong = [...accepted].filter((txid) => counts.get(txid) !== 1);
      assert.deepEqual(wrong.slice(0, 5), [], `node${i}: ${wrong.length} accepted payments not confirmed exactly once`);
    }
    const mempools = await Promise.all(rpc.map((client) => client.call<{ size: number }>('getmempoolinfo')));
    console.log(
      [
        `relay load: all ${sent.length} accepted payments confirmed exactly once on each of ${NODES} daemons, ${drainSeconds.toFixed(1)} s after sending stopped (height ${height})`,
        `  confirmed throughput ${(sent.length / (SECONDS + drainSeconds)).toFixed(1)} payments/s; mempools after: ${mempools.map((m) => m.size).join(', ')}`,
      ].join('\n'),
    );
  });
});
