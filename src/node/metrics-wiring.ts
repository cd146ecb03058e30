/**
 * The node's Prometheus series, wired from the modules' typed events (counters and histograms)
 * and read from their state at scrape time (gauges), so no layer below node/ knows about
 * metrics. RPC calls are counted by the dispatcher itself (it has no events).
 */
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../miner/miner.js';
import type { P2PNode } from '../p2p/node.js';
import type { Metrics } from '../util/metrics.js';

export interface MetricsSources {
  chain: Chain;
  mempool: Mempool;
  /** The built-in miner when --mine, undefined otherwise (read at scrape time). */
  miner: () => Miner | undefined;
  /** Seconds since the epoch. */
  now: () => number;
}

/** Connect time of one block: from well under a millisecond (regtest) to seconds (a full block on a slow disk). */
const CONNECT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const REORG_DEPTH_BUCKETS = [1, 2, 3, 4, 6, 10, 20, 50, 100];

/** Wired as soon as the chain is loaded: the RPC answers (and blocks connect) from then on. */
export function wireMetrics(metrics: Metrics, sources: MetricsSources): void {
  wireChain(metrics, sources);
  wireMempool(metrics, sources.mempool);
  wireMiner(metrics, sources.miner);
}

/** Wired once p2p has started, which comes after the RPC already answers. */
export function wireNetworkMetrics(metrics: Metrics, p2p: P2PNode): void {
  wireNetwork(metrics, p2p);
}

function wireChain(metrics: Metrics, { chain, now }: MetricsSources): void {
  metrics.sampledGauge('powcoin_chain_height', 'Height of the best validated chain', () => chain.height);
  metrics.sampledGauge('powcoin_chain_headers', 'Height of the best known header chain', () => chain.bestHeader.height);
  metrics.sampledGauge('powcoin_chain_tip_age_seconds', 'Seconds since the tip block time', () => Math.max(0, now() - chain.tip.header.time));
  metrics.sampledGauge('powcoin_sync_progress', 'Estimated fraction of the chain verified (verificationprogress)', () => chain.verificationProgress());
  metrics.sampledGauge('powcoin_sync_initial_block_download', '1 while in initial block download', () => (chain.isInitialBlockDownload() ? 1 : 0));
  const connected = metrics.counter('powcoin_blocks_connected_total', 'Blocks connected to the main chain');
  const connectTime = metrics.histogram('powcoin_block_connect_seconds', 'Time to validate and write one block', CONNECT_BUCKETS);
  const disconnected = metrics.counter('powcoin_blocks_disconnected_total', 'Blocks disconnected from the main chain (reorgs)');
  const reorgs = metrics.counter('powcoin_reorgs_total', 'Reorganisations of the main chain');
  const reorgDepth = metrics.histogram('powcoin_reorg_depth_blocks', 'Blocks disconnected by each reorganisation', REORG_DEPTH_BUCKETS);
  const invalid = metrics.counter('powcoin_blocks_invalid_total', 'Blocks found invalid while connecting, by reject code', ['code']);
  chain.on('blockConnected', ({ connectMs }) => {
    connected.inc();
    if (connectMs !== undefined) connectTime.observe(connectMs / 1000);
  });
  chain.on('blockDisconnected', () => disconnected.inc());
  chain.on('reorg', ({ depth }) => {
    reorgs.inc();
    reorgDepth.observe(depth);
  });
  chain.on('blockInvalid', ({ code }) => invalid.inc({ code }));
}

function wireMempool(metrics: Metrics, mempool: Mempool): void {
  metrics.sampledGauge('powcoin_mempool_txs', 'Transactions in the mempool', () => mempool.size);
  metrics.sampledGauge('powcoin_mempool_bytes', 'Sum of the mempool transactions virtual sizes', () => mempool.bytes);
  metrics.sampledGauge('powcoin_mempool_usage_bytes', 'Estimated memory the mempool uses', () => mempool.usage);
  metrics.sampledGauge('powcoin_mempool_min_fee_rate', 'Fee rate a transaction needs to enter, sat/vB', () => mempool.minFeeRate() / 1000);
  const accepted = metrics.counter('powcoin_mempool_accepted_total', 'Transactions accepted into the mempool');
  const rejected = metrics.counter('powcoin_mempool_rejected_total', 'Transactions refused, by reject code', ['reason']);
  const removed = metrics.counter('powcoin_mempool_removed_total', 'Transactions that left the mempool, by reason', ['reason']);
  mempool.on('txAccepted', () => accepted.inc());
  mempool.on('txRejected', ({ code }) => rejected.inc({ reason: code }));
  mempool.on('txRemoved', ({ reason }) => removed.inc({ reason }));
}

function wireNetwork(metrics: Metrics, p2p: P2PNode): void {
  metrics.sampledGauge(
    'powcoin_peers',
    'Connected peers by direction',
    () => {
      const peers = p2p.peers();
      const inbound = peers.filter((peer) => peer.inbound).length;
      return [
        [{ direction: 'inbound' }, inbound],
        [{ direction: 'outbound' }, peers.length - inbound],
      ];
    },
    ['direction'],
  );
  metrics.sampledCounter(
    'powcoin_p2p_bytes_total',
    'Bytes on the wire over all p2p connections since start',
    () => {
      const totals = p2p.netTotals();
      return [
        [{ direction: 'in' }, totals.recv],
        [{ direction: 'out' }, totals.sent],
      ];
    },
    ['direction'],
  );
  metrics.sampledGauge('powcoin_p2p_banned', 'Peers and addresses banned now', () => p2p.listBanned().length);
  const bans = metrics.counter('powcoin_p2p_ban_events_total', 'Peers banned for misbehaviour');
  const gossip = metrics.counter('powcoin_gossip_messages_total', 'Gossiped blocks, compact blocks and txs judged, by topic and verdict', ['topic', 'verdict']);
  const connects = metrics.counter('powcoin_p2p_connections_total', 'Peer connections opened, by direction', ['direction']);
  p2p.on('peerBanned', () => bans.inc());
  p2p.on('gossipJudged', ({ topic, action }) => gossip.inc({ topic, verdict: action }));
  p2p.on('peerConnected', ({ inbound }) => connects.inc({ direction: inbound ? 'inbound' : 'outbound' }));
}

function wireMiner(metrics: Metrics, miner: () => Miner | undefined): void {
  metrics.sampledGauge('powcoin_miner_hashrate', 'Hashes per second of the built-in miner, all threads', () => miner()?.stats().hashrate ?? 0);
  metrics.sampledCounter('powcoin_miner_blocks_found_total', 'Blocks the built-in miner found and the chain accepted', () => miner()?.stats().blocksFound ?? 0);
}
