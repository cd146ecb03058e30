/**
 * GET /metrics on a real mining regtest daemon: a strict Prometheus text parser accepts the
 * exposition, every series the operator needs is there with figures that match the RPC's; and
 * the payment-safety figures (reversal_probability, getconfirmationsneeded) with --attackershare.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reversalProbability } from '../../src/consensus/reversal.js';
import { basicAuthHeader, readCookie } from '../../src/rpc/auth.js';
import { RpcError } from '../../src/rpc/errors.js';
import { type PromFamily, parsePromText, sample } from '../helpers/prom-text.js';
import { waitFor } from '../testnet/harness.js';
import { type Daemon, powcoin, startDaemon } from './daemon.js';

const SERIES = [
  'powcoin_chain_height',
  'powcoin_chain_headers',
  'powcoin_chain_tip_age_seconds',
  'powcoin_reorgs_total',
  'powcoin_reorg_depth_blocks',
  'powcoin_blocks_connected_total',
  'powcoin_block_connect_seconds',
  'powcoin_mempool_txs',
  'powcoin_mempool_bytes',
  'powcoin_mempool_min_fee_rate',
  'powcoin_mempool_accepted_total',
  'powcoin_mempool_rejected_total',
  'powcoin_peers',
  'powcoin_p2p_ban_events_total',
  'powcoin_gossip_messages_total',
  'powcoin_p2p_bytes_total',
  'powcoin_sync_progress',
  'powcoin_miner_hashrate',
  'powcoin_miner_blocks_found_total',
  'powcoin_rpc_calls_total',
  'powcoin_rpc_call_seconds',
  'nodejs_eventloop_lag_seconds',
];

describe('Prometheus /metrics and payment safety on a mining regtest daemon', { timeout: 900_000 }, () => {
  let datadir: string;
  let daemon: Daemon;
  const scrape = async (): Promise<Map<string, PromFamily>> => {
    const response = await fetch(`http://127.0.0.1:${daemon.rpcPort}/metrics`, { headers: { authorization: basicAuthHeader(readCookie(daemon.networkDir)) } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parsePromText(await response.text());
  };

  before(async () => {
    datadir = await mkdtemp(join(tmpdir(), 'powcoin-metrics-'));
    daemon = await startDaemon(datadir, ['--mine', '--mine-interval', '0.5', '--attackershare', '0.3']);
  });
  after(async () => {
    if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) daemon.proc.kill('SIGKILL');
    await rm(datadir, { recursive: true, force: true });
  });

  test('/metrics needs the RPC credentials', async () => {
    const response = await fetch(`http://127.0.0.1:${daemon.rpcPort}/metrics`);
    assert.equal(response.status, 401);
  });

  test('every series is there, and the figures agree with the RPC', async () => {
    const address = await daemon.call<string>('getnewaddress');
    await daemon.call('generatetoaddress', [101, address]);
    const txid = await daemon.call<string>('sendtoaddress', [address, 1]);
    await assert.rejects(daemon.call('sendrawtransaction', ['00']), (err: unknown) => err instanceof RpcError);
    assert.match(txid, /^[0-9a-f]{64}$/);
    // The miner reports a hash rate and its own blocks once it has searched a while.
    await waitFor('the built-in miner to find a block', async () => {
      const families = await scrape();
      return (sample(families, 'powcoin_miner_blocks_found_total') ?? 0) > 0 && (sample(families, 'powcoin_miner_hashrate') ?? 0) > 0;
    }, 120_000, 500);
    const before = await daemon.call<number>('getblockcount');
    const families = await scrape();
    const afterCount = await daemon.call<number>('getblockcount');
    for (const name of SERIES) assert.ok(families.has(name), `${name} is missing`);
    const height = sample(families, 'powcoin_chain_height')!;
    assert.ok(height >= before && height <= afterCount, `height ${height} between getblockcount ${before} and ${afterCount}`);
    assert.ok(sample(families, 'powcoin_chain_headers')! >= height);
    // Every block of the main chain was connected once; the built-in miner racing generatetoaddress
    // can put a block on a side chain, so the count is bounded by the height, not by 101 + 1.
    assert.ok(height >= 101, `height ${height}`);
    assert.ok(sample(families, 'powcoin_blocks_connected_total')! >= height, 'blocks connected');
    assert.ok(sample(families, 'powcoin_block_connect_seconds_count')! >= height, 'connect times observed');
    assert.ok(sample(families, 'powcoin_chain_tip_age_seconds')! >= 0);
    const progress = sample(families, 'powcoin_sync_progress')!;
    assert.ok(progress > 0 && progress <= 1, `sync progress ${progress}`);
    assert.ok(sample(families, 'powcoin_mempool_accepted_total')! >= 1);
    assert.ok(sample(families, 'powcoin_mempool_min_fee_rate')! > 0);
    assert.equal(sample(families, 'powcoin_peers', { direction: 'inbound' }), 0);
    assert.equal(sample(families, 'powcoin_peers', { direction: 'outbound' }), 0);
    assert.equal(sample(families, 'powcoin_p2p_bytes_total', { direction: 'in' }), 0);
    assert.ok(sample(families, 'powcoin_rpc_calls_total', { method: 'generatetoaddress', outcome: 'ok' })! >= 1);
    assert.ok(sample(families, 'powcoin_rpc_calls_total', { method: 'sendrawtransaction', outcome: 'error' })! >= 1);
    assert.ok(sample(families, 'powcoin_rpc_call_seconds_count', { method: 'getblockcount' })! >= 1);
    assert.ok(sample(families, 'nodejs_eventloop_lag_seconds')! >= 0);
    assert.equal(families.get('powcoin_block_connect_seconds')!.type, 'histogram');
    assert.equal(families.get('powcoin_blocks_connected_total')!.type, 'counter');
  });

  test('every series the Grafana dashboard in docker/ queries is served', async () => {
    const grafana = readFileSync(join(import.meta.dirname, '..', '..', 'docker', 'grafana', 'powcoin-dashboard.json'), 'utf8');
    const families = await scrape();
    const names = new Set([...grafana.matchAll(/\b((?:powcoin|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]));
    assert.ok(names.size >= 15, `${names.size} series in the dashboard`);
    const served = (name: string) => [...families.values()].some((family) => family.samples.some((s) => s.name === name)) || families.has(name);
    for (const name of names) assert.ok(served(name), `the Grafana dashboard queries ${name}, which /metrics does not serve`);
  });

  test('listtransactions and gettransaction carry reversal_probability at --attackershare 0.3', async () => {
    const rows = await daemon.call<Array<{ txid: string; confirmations: number; reversal_probability: number }>>('listtransactions', ['*', 50]);
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal(row.reversal_probability, Number(reversalProbability(0.3, row.confirmations).toPrecision(7)), `${row.txid} at ${row.confirmations}`);
    assert.ok(rows.some((row) => row.confirmations > 1 && row.reversal_probability < 1));
    const tx = await daemon.call<{ confirmations: number; reversal_probability: number }>('gettransaction', [rows[0].txid]);
    assert.equal(tx.reversal_probability, Number(reversalProbability(0.3, tx.confirmations).toPrecision(7)));
  });

  test('`powcoin wallet payments` and `wallet tx` show reversal_probability', async () => {
    const connection = ['--network', 'regtest', '--datadir', daemon.datadir, '--rpc-port', String(daemon.rpcPort)];
    const listed = await powcoin(['wallet', ...connection, 'payments', '3']);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Array<{ txid: string; confirmations: number; reversal_probability: number }>;
    assert.equal(rows.length, 3);
    for (const row of rows) assert.equal(row.reversal_probability, Number(reversalProbability(0.3, row.confirmations).toPrecision(7)));
    const one = await powcoin(['wallet', ...connection, 'tx', rows[0].txid]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(typeof JSON.parse(one.stdout).reversal_probability, 'number');
    const bad = await powcoin(['wallet', ...connection, 'payments', 'many']);
    assert.equal(bad.code, 2);
  });

  test('getconfirmationsneeded answers the whitepaper: 25 at q = 0.3 (the flag), 6 at q = 0.1, for P < 0.1%', async () => {
    const atFlag = await daemon.call<{ confirmations: number; blocks_after: number; attacker_share: number }>('getconfirmationsneeded');
    assert.deepEqual([atFlag.confirmations, atFlag.blocks_after, atFlag.attacker_share], [25, 24, 0.3]);
    const named = await daemon.call<{ confirmations: number; reversal_probability: number }>('getconfirmationsneeded', [0.1, 0.001]);
    assert.equal(named.confirmations, 6);
    assert.equal(named.reversal_probability.toFixed(7), '0.0009137');
    await assert.rejects(daemon.call('getconfirmationsneeded', [0.5, 0.001]), (err: unknown) => err instanceof RpcError && err.code === -8);
    await assert.rejects(daemon.call('getconfirmationsneeded', [0.1, 0]), (err: unknown) => err instanceof RpcError && err.code === -8);
    await assert.rejects(daemon.call('getconfirmationsneeded', ['x']), (err: unknown) => err instanceof RpcError && err.code === -3);
  });
});
