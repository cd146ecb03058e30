/** What the dashboard page shows, as one JSON snapshot, and where the server gets it from. */

export interface DashboardBlock {
  height: number;
  hash: string;
  time: number;
  txs: number;
  size: number;
  weight: number;
  /** Fees collected by the coinbase, in coins. */
  fees: number;
}

export interface DashboardPeer {
  id: string;
  addr: string;
  direction: 'inbound' | 'outbound';
  connectionType: string;
  pingMs?: number;
  bytesSent: number;
  bytesRecv: number;
  height: number;
}

export interface DashboardPayment {
  txid: string;
  category: string;
  /** Coins (negative for sends). */
  amount: number;
  confirmations: number;
  /** Whitepaper §11: the chance an attacker with `attackerShare` of the hash rate reverses it. */
  reversalProbability: number;
  time: number;
}

export interface DashboardSnapshot {
  network: string;
  peerId: string;
  /** Seconds since the epoch, at the node. */
  now: number;
  chain: {
    height: number;
    tip: string;
    tipTime: number;
    headers: number;
    progress: number;
    initialBlockDownload: boolean;
    difficulty: number;
    retargetInterval: number;
  };
  /** One point per block over the last retarget periods, oldest first (columns, as uPlot wants). */
  history: { heights: number[]; times: number[]; difficulty: number[]; hashrate: number[] };
  blocks: DashboardBlock[];
  mempool: { txs: number; bytes: number; minFeeRate: number; feeHistogram: Array<{ from: number; to: number | null; txs: number; vbytes: number }> };
  peers: DashboardPeer[];
  miner?: { hashrate: number; blocksFound: number };
  wallet?: { attackerShare: number; trusted: number; pending: number; immature: number; payments: DashboardPayment[] };
}

/** The node side: a snapshot on demand, and a signal when something shown has changed. */
export interface DashboardSource {
  snapshot(): Promise<DashboardSnapshot>;
  /** `urgent` changes (a new tip) are pushed at once; the others at most every few hundred ms. */
  onChange(listener: (urgent: boolean) => void): () => void;
}
