/**
 * The dashboard's view of the node: one snapshot built from the chain, mempool, p2p node, miner
 * and wallet, and a change signal from their events (a new tip is urgent, mempool churn is not).
 */
import type { Chain } from '../chain/chain.js';
import type { BlockIndexEntry } from '../chain/block-index.js';
import { reversalProbability } from '../consensus/reversal.js';
import { blockSubsidy } from '../consensus/subsidy.js';
import type { DashboardBlock, DashboardPayment, DashboardSnapshot, DashboardSource } from '../dashboard/types.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../miner/miner.js';
import type { P2PNode } from '../p2p/node.js';
import type { NetworkParams } from '../params/types.js';
import { difficulty } from '../rpc/format/block.js';
import type { RpcWallet } from '../rpc/interfaces.js';

export interface DashboardParts {
  params: NetworkParams;
  chain: Chain;
  mempool: Mempool;
  p2p: P2PNode;
  miner: () => Miner | undefined;
  wallet?: Pick<RpcWallet, 'getBalances' | 'listTransactions'>;
  attackerShare: number;
  /** Seconds since the epoch. */
  now: () => number;
}

const RECENT_BLOCKS = 10;
const PAYMENTS = 10;
/** Blocks per hash-rate point: enough to smooth the luck of single blocks. */
const HASHRATE_WINDOW = 12;
/** Fee-rate bucket edges, sat/vB. */
const FEE_EDGES = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];
const COIN = 1e8;

export class NodeDashboardSource implements DashboardSource {
  /** Recent blocks' figures by hash: a body is read from disk once, not on every push. */
  private readonly blockCache = new Map<string, DashboardBlock>();

  constructor(private readonly parts: DashboardParts) {}

  onChange(listener: (urgent: boolean) => void): () => void {
    const { chain, mempool, p2p } = this.parts;
    const urgent = () => listener(true);
    const churn = () => listener(false);
    chain.on('tipChanged', urgent);
    mempool.on('txAccepted', churn);
    mempool.on('txRemoved', churn);
    p2p.on('peerConnected', churn);
    p2p.on('peerDisconnected', churn);
    return () => {
      chain.off('tipChanged', urgent);
      mempool.off('txAccepted', churn);
      mempool.off('txRemoved', churn);
      p2p.off('peerConnected', churn);
      p2p.off('peerDisconnected', churn);
    };
  }

  async snapshot(): Promise<DashboardSnapshot> {
    const { params, chain, p2p, miner } = this.parts;
    const tip = chain.tip;
    const stats = miner()?.stats();
    return {
      network: params.name,
      peerId: p2p.peerId,
      now: this.parts.now(),
      chain: {
        height: tip.height,
        tip: tip.hash,
        tipTime: tip.header.time,
        headers: chain.bestHeader.height,
        progress: chain.verificationProgress(),
        initialBlockDownload: chain.isInitialBlockDownload(),
        difficulty: difficulty(tip.header.bits),
        retargetInterval: params.retargetInterval,
      },
      history: this.history(tip),
      blocks: await this.recentBlocks(tip),
      mempool: this.mempool(),
      peers: p2p.peers().map((peer) => ({
        id: peer.id,
        addr: peer.addr,
        direction: peer.inbound ? 'inbound' : 'outbound',
        connectionType: peer.connectionType,
        pingMs: peer.pingMs,
        bytesSent: peer.bytesSent,
        bytesRecv: peer.bytesRecv,
        height: peer.height,
      })),
      miner: stats ? { hashrate: stats.hashrate, blocksFound: stats.blocksFound } : undefined,
      // A wallet that cannot answer (unloaded, being restored) hides its panel, not the whole page.
      wallet: await this.wallet().catch(() => undefined),
    };
  }

  /** The last two retarget periods (at least 100 blocks, at most 1000), one point per block. */
  private history(tip: BlockIndexEntry): DashboardSnapshot['history'] {
    const { chain, params } = this.parts;
    const count = Math.min(tip.height, Math.min(1000, Math.max(100, 2 * params.retargetInterval)));
    const history: DashboardSnapshot['history'] = { heights: [], times: [], difficulty: [], hashrate: [] };
    let previousRate = 0;
    for (let height = tip.height - count + 1; height <= tip.height; height++) {
      const entry = chain.getEntryAtHeight(height);
      const back = chain.getEntryAtHeight(Math.max(0, height - HASHRATE_WINDOW));
      if (!entry || !back) continue;
      const span = entry.header.time - back.header.time;
      const rate = span > 0 ? Number(entry.chainwork - back.chainwork) / span : previousRate;
      previousRate = rate;
      history.heights.push(height);
      history.times.push(entry.header.time);
      history.difficulty.push(difficulty(entry.header.bits));
      history.hashrate.push(rate);
    }
    return history;
  }

  private async recentBlocks(tip: BlockIndexEntry): Promise<DashboardBlock[]> {
    const blocks: DashboardBlock[] = [];
    for (let entry: BlockIndexEntry | undefined = tip; entry && blocks.length < RECENT_BLOCKS; entry = entry.parent) {
      const row = this.blockCache.get(entry.hash) ?? (await this.readBlock(entry));
      if (row) blocks.push(row);
    }
    return blocks;
  }

  private async readBlock(entry: BlockIndexEntry): Promise<DashboardBlock | undefined> {
    const block = await this.parts.chain.getBlock(entry.hash);
    if (!block) return undefined;
    const paid = block.txs[0].outputs.reduce((sum, output) => sum + output.value, 0n);
    const fees = paid - blockSubsidy(entry.height, this.parts.params);
    const row: DashboardBlock = { height: entry.height, hash: entry.hash, time: entry.header.time, txs: block.txs.length, size: block.size(), weight: block.weight(), fees: Number(fees > 0n ? fees : 0n) / COIN };
    this.blockCache.set(entry.hash, row);
    // Bounded: the oldest cached rows go first (Map keeps insertion order).
    while (this.blockCache.size > 4 * RECENT_BLOCKS) this.blockCache.delete(this.blockCache.keys().next().value!);
    return row;
  }

  private mempool(): DashboardSnapshot['mempool'] {
    const { mempool } = this.parts;
    const buckets = FEE_EDGES.map((from, i) => ({ from, to: FEE_EDGES[i + 1] ?? null, txs: 0, vbytes: 0 }));
    for (const entry of mempool.entries()) {
      let i = buckets.length - 1;
      while (i > 0 && entry.feeRate < buckets[i].from) i--;
      buckets[i].txs++;
      buckets[i].vbytes += entry.vsize;
    }
    return { txs: mempool.size, bytes: mempool.bytes, minFeeRate: mempool.minFeeRate() / 1000, feeHistogram: buckets };
  }

  private async wallet(): Promise<DashboardSnapshot['wallet']> {
    const { wallet, attackerShare } = this.parts;
    if (!wallet) return undefined;
    const balances = await wallet.getBalances();
    const rows = await wallet.listTransactions(PAYMENTS, 0);
    const payments: DashboardPayment[] = rows
      .map((row) => {
        const confirmations = Number(row.confirmations ?? 0);
        return {
          txid: String(row.txid),
          category: String(row.category),
          amount: Number(row.amount as bigint) / COIN,
          confirmations,
          reversalProbability: reversalProbability(attackerShare, confirmations),
          time: Number(row.time ?? 0),
        };
      })
      .reverse(); // newest first on the page; listtransactions is oldest first
    return { attackerShare, trusted: Number(balances.trusted) / COIN, pending: Number(balances.untrustedPending) / COIN, immature: Number(balances.immature) / COIN, payments };
  }
}
