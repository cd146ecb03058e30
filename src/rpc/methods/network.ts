/** Network methods, through the p2p node's interface; without one, Core's -31 "p2p disabled". */
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext, RpcNetwork } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

export const PROTOCOL_VERSION = 70016;
export const CLIENT_VERSION = 10000;

function p2p(ctx: RpcContext): RpcNetwork {
  if (!ctx.network) throw new RpcError(RpcCode.CLIENT_P2P_DISABLED, 'Error: Peer-to-peer functionality missing or disabled');
  return ctx.network;
}

/** Core's port field, read from a multiaddr's /tcp/<port>. */
function portOf(multiaddr: string): number {
  const match = /\/tcp\/(\d+)/.exec(multiaddr);
  return match ? Number(match[1]) : 0;
}

function networkInfo(ctx: RpcContext): Record<string, unknown> {
  const peers = ctx.network?.peers() ?? [];
  const inbound = peers.filter((peer) => peer.inbound).length;
  const minFee = BigInt(ctx.mempool.minFeeRate());
  return {
    version: CLIENT_VERSION,
    subversion: '/powcoin:0.1.0/',
    protocolversion: PROTOCOL_VERSION,
    localservices: '0000000000000009',
    localservicesnames: ['NETWORK', 'WITNESS'],
    localrelay: true,
    timeoffset: 0,
    networkactive: ctx.network !== undefined,
    connections: peers.length,
    connections_in: inbound,
    connections_out: peers.length - inbound,
    networks: [],
    relayfee: amountJson(minFee),
    incrementalfee: amountJson(minFee),
    localaddresses: (ctx.network?.addresses() ?? []).map((address) => ({ address, port: portOf(address), score: 1 })),
    ...(ctx.network ? { peerid: ctx.network.peerId } : {}),
    warnings: '',
  };
}

async function addNode(p: Params, ctx: RpcContext): Promise<null> {
  const node = p.string(0) ?? '';
  const command = p.string(1) ?? '';
  if (!['add', 'remove', 'onetry'].includes(command)) throw new RpcError(RpcCode.INVALID_PARAMETER, "Error: Invalid command, must be 'add', 'remove' or 'onetry'");
  const network = p2p(ctx);
  try {
    if (command === 'remove') await network.disconnect(node);
    else await network.connect(node);
  } catch (err) {
    const code = command === 'remove' ? RpcCode.CLIENT_NODE_NOT_ADDED : RpcCode.CLIENT_NODE_NOT_CONNECTED;
    throw new RpcError(code, `Error: ${(err as Error).message}`);
  }
  return null;
}

async function disconnectNode(p: Params, ctx: RpcContext): Promise<null> {
  const network = p2p(ctx);
  const byId = p.has(1) ? network.peers().find((peer) => peer.id === p.int(1)) : undefined;
  const target = byId?.peerId ?? p.string(0);
  if (!target) throw new RpcError(RpcCode.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
  try {
    await network.disconnect(target);
  } catch {
    throw new RpcError(RpcCode.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
  }
  return null;
}

async function setBan(p: Params, ctx: RpcContext): Promise<null> {
  const target = p.string(0) ?? '';
  const command = p.string(1) ?? '';
  if (command !== 'add' && command !== 'remove') throw new RpcError(RpcCode.INVALID_PARAMETER, "Error: Invalid command, must be 'add' or 'remove'");
  const network = p2p(ctx);
  const bantime = p.int(2, { fallback: 86_400, min: 0 }) || 86_400;
  const absolute = p.bool(3, false);
  const seconds = absolute ? bantime - Math.floor(ctx.now()) : bantime;
  if (command === 'remove') {
    if (!network.listBanned().some((row) => row.address === target)) throw new RpcError(RpcCode.CLIENT_INVALID_IP_OR_SUBNET, 'Error: Unban failed. Requested address/subnet was not previously manually banned.');
    await network.unban(target);
    return null;
  }
  if (seconds <= 0) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Error: Absolute timestamp is in the past');
  await network.ban(target, seconds);
  return null;
}

export const networkMethods: RpcMethod[] = [
  { name: 'getnetworkinfo', group: 'network', args: [], summary: 'Version, connections, fee floors and our listen multiaddrs.', run: (_p, ctx) => networkInfo(ctx) },
  { name: 'getpeerinfo', group: 'network', args: [], summary: 'One row per connected peer.', run: (_p, ctx) => ctx.network?.peers() ?? [] },
  { name: 'getconnectioncount', group: 'network', args: [], summary: 'Number of connected peers.', run: (_p, ctx) => ctx.network?.peers().length ?? 0 },
  { name: 'addnode', group: 'network', args: [required('node'), required('command')], summary: "Connects to (add|onetry) or drops (remove) a peer multiaddr.", run: addNode },
  { name: 'disconnectnode', group: 'network', args: [optional('address'), optional('nodeid')], summary: 'Drops a connected peer by multiaddr, peer id or nodeid.', run: disconnectNode },
  { name: 'setban', group: 'network', args: [required('subnet'), required('command'), optional('bantime'), optional('absolute')], summary: 'Bans (add) or unbans (remove) a peer id or an address (IP; IP:port on loopback) for bantime seconds.', run: setBan },
  { name: 'listbanned', group: 'network', args: [], summary: 'Banned peer ids and addresses.', run: (_p, ctx) => p2p(ctx).listBanned() },
  { name: 'clearbanned', group: 'network', args: [], summary: 'Lifts every ban.', run: async (_p, ctx) => { await p2p(ctx).clearBanned(); return null; } },
];
