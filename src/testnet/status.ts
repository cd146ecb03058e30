/** `testnet status`: each node's tip, height, peers, hash rate and balance, side by side, from its RPC. */
import type { MemberNode, NodeRole, TestnetBackend } from './backend.js';

export interface NodeStatus {
  name: string;
  role: NodeRole;
  /** The pid (local) or container id (docker), while running. */
  id?: string;
  running: boolean;
  isolated: boolean;
  height?: number;
  tip?: string;
  /** The active chain's work (hex), for comparing sides after a partition. */
  chainwork?: string;
  difficulty?: number;
  peers?: number;
  /** The node's own miner, hashes per second. */
  hashrate?: number;
  /** The network's, estimated from the last 120 blocks. */
  networkHashps?: number;
  mempool?: number;
  /** Stale branches known (getchaintips minus the active one). */
  forks?: number;
  balance?: number;
  immature?: number;
  error?: string;
}

export async function nodeStatus(backend: TestnetBackend, node: MemberNode): Promise<NodeStatus> {
  const running = await backend.running(node);
  const isolated = await backend.isolated(node).catch(() => false);
  const row: NodeStatus = { name: node.name, role: node.role, id: running ? await backend.handle(node) : undefined, running, isolated };
  if (!row.running) return row;
  try {
    const get = <T>(method: string) => backend.call<T>(node, method, [], 10_000);
    const [chain, peers, mining, mempool, tips, balances] = await Promise.all([
      get<{ blocks: number; bestblockhash: string; chainwork: string; difficulty: number }>('getblockchaininfo'),
      get<number>('getconnectioncount'),
      get<{ hashespersec: number; networkhashps: number }>('getmininginfo'),
      get<{ size: number }>('getmempoolinfo'),
      get<unknown[]>('getchaintips'),
      get<{ mine: { trusted: number; untrusted_pending: number; immature: number } }>('getbalances'),
    ]);
    Object.assign(row, {
      height: chain.blocks,
      tip: chain.bestblockhash,
      chainwork: chain.chainwork,
      difficulty: chain.difficulty,
      peers,
      hashrate: mining.hashespersec,
      networkHashps: mining.networkhashps,
      mempool: mempool.size,
      forks: tips.length - 1,
      balance: balances.mine.trusted + balances.mine.untrusted_pending,
      immature: balances.mine.immature,
    });
  } catch (err) {
    row.error = (err as Error).message;
  }
  return row;
}

export function testnetStatus(backend: TestnetBackend): Promise<NodeStatus[]> {
  return Promise.all(backend.nodes.map((node) => nodeStatus(backend, node)));
}

export function formatRate(hashesPerSecond: number | undefined): string {
  if (hashesPerSecond === undefined) return '';
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s'];
  let value = hashesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The side-by-side view: one row per node. */
export function formatStatus(testnet: { where: string; network: string; kind?: 'local' | 'docker' }, rows: NodeStatus[]): string {
  const header = ['node', 'role', testnet.kind === 'docker' ? 'container' : 'pid', 'height', 'tip', 'peers', 'hashrate', 'net hash/s', 'difficulty', 'mempool', 'forks', 'balance', 'immature'];
  const table = rows.map((row) => {
    const role = `${row.role}${row.isolated ? ' (isolated)' : ''}`;
    if (!row.running) return [row.name, role, row.id ?? '-', 'down'];
    if (row.error) return [row.name, role, row.id ?? '', `error: ${row.error}`];
    return [
      row.name,
      role,
      row.id ?? '',
      String(row.height),
      row.tip ? row.tip.slice(0, 12) : '',
      String(row.peers),
      row.role === 'miner' ? formatRate(row.hashrate) : '-',
      formatRate(row.networkHashps),
      row.difficulty === undefined ? '' : row.difficulty.toPrecision(3),
      String(row.mempool),
      String(row.forks),
      row.balance === undefined ? '' : row.balance.toFixed(4),
      row.immature === undefined ? '' : row.immature.toFixed(4),
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...table.filter((cells) => cells.length === header.length).map((cells) => cells[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (cells.length === header.length || i < cells.length - 1 ? cell.padEnd(widths[i]) : cell))
      .join('  ')
      .trimEnd();
  const tips = new Set(rows.filter((row) => row.tip).map((row) => row.tip));
  const summary = tips.size === 1 ? 'all running nodes on one tip' : tips.size === 0 ? 'no node answering' : `${tips.size} different tips`;
  return [`testnet ${testnet.where} (network ${testnet.network}): ${summary}`, line(header), ...table.map(line)].join('\n');
}

