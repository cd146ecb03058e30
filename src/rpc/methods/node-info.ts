/**
 * Core's node-introspection methods: getmemoryinfo, getrpcinfo, getzmqnotifications, ping and
 * getaddrmaninfo.
 */
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional } from './types.js';

/**
 * Core's "stats" mode reports its locked (mlock'd, never swapped) memory pool, where it keeps
 * keys. This process has no such pool (keys live in ordinary V8 memory), so every figure is 0:
 * the true state, in Core's shape. "mallocinfo" is glibc's XML, which Core also refuses when
 * built without it.
 */
function getMemoryInfo(p: Params): unknown {
  const mode = p.string(0, 'stats');
  if (mode === 'stats') return { locked: { used: 0, free: 0, total: 0, locked: 0, chunks_used: 0, chunks_free: 0 } };
  if (mode === 'mallocinfo') throw new RpcError(RpcCode.INVALID_PARAMETER, 'mallocinfo mode not available');
  throw new RpcError(RpcCode.INVALID_PARAMETER, `unknown mode ${mode.length > 100 ? `${mode.slice(0, 100)}...` : mode}`);
}

/** The call in progress (this one: the dispatcher keeps no table of the others) and the debug log's path. */
function getRpcInfo(_p: Params, ctx: RpcContext): unknown {
  return { active_commands: [{ method: 'getrpcinfo', duration: 0 }], logpath: ctx.control.logPath ?? '' };
}

const NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'] as const;

/** Core's getaddrmaninfo: new/tried/total per reachable network and over all of them. */
function getAddrManInfo(_p: Params, ctx: RpcContext): unknown {
  if (!ctx.network?.addrmanCounts) throw new RpcError(RpcCode.CLIENT_P2P_DISABLED, 'Error: Address manager functionality missing or disabled');
  const counts = ctx.network.addrmanCounts();
  const row = (c: { new: number; tried: number } | undefined) => ({ new: c?.new ?? 0, tried: c?.tried ?? 0, total: (c?.new ?? 0) + (c?.tried ?? 0) });
  const out: Record<string, unknown> = {};
  for (const name of NETWORKS) out[name] = row(counts[name]);
  const all = Object.values(counts).reduce((sum, c) => ({ new: sum.new + c.new, tried: sum.tried + c.tried }), { new: 0, tried: 0 });
  out.all_networks = row(all);
  return out;
}

/** Core's ping: asks every peer for a ping now; the round trip shows in getpeerinfo's pingtime. */
function ping(_p: Params, ctx: RpcContext): null {
  if (!ctx.network) throw new RpcError(RpcCode.CLIENT_P2P_DISABLED, 'Error: Peer-to-peer functionality missing or disabled');
  ctx.network.pingAll?.();
  return null;
}

export const nodeInfoMethods: RpcMethod[] = [
  { name: 'getmemoryinfo', group: 'control', args: [optional('mode')], summary: 'Memory usage: the locked-memory pool (stats mode).', run: getMemoryInfo },
  { name: 'getrpcinfo', group: 'control', args: [], summary: 'The RPC calls in progress and the debug log path.', run: getRpcInfo },
  { name: 'getzmqnotifications', group: 'control', args: [], summary: 'Active ZMQ notifications: none (the node has no ZMQ publisher).', run: () => [] },
  { name: 'ping', group: 'network', args: [], summary: 'Pings every connected peer; results in getpeerinfo pingtime.', run: ping },
  { name: 'getaddrmaninfo', group: 'network', args: [], summary: 'Address book counts (new, tried, total) per network.', run: getAddrManInfo },
];
