/** Network methods, through the p2p node's interface; without one, Core's -31 "p2p disabled". */
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError } from '../errors.js';
import type { AddedNodeRow, NodeAddressRow, RpcContext, RpcNetwork } from '../interfaces.js';
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
    networkactive: ctx.network ? (ctx.network.isActive?.() ?? true) : false,
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

/** Core's addnode: `add` keeps the peer connected (redialled with backoff), `remove` forgets it, `onetry` dials once. */
async function addNode(p: Params, ctx: RpcContext): Promise<null> {
  const node = p.string(0) ?? '';
  const command = p.string(1) ?? '';
  if (!['add', 'remove', 'onetry'].includes(command)) throw new RpcError(RpcCode.INVALID_PARAMETER, "Error: Invalid command, must be 'add', 'remove' or 'onetry'");
  const network = p2p(ctx);
  if (command === 'onetry') {
    // Core returns null whether or not the connection opens; a bad address is still an error.
    await network.tryOnce(node).catch((err: Error) => {
      if (/does not end in|invalid|Unknown/i.test(err.message)) throw new RpcError(RpcCode.INVALID_PARAMETER, `Error: ${err.message}`);
    });
    return null;
  }
  if (command === 'remove') {
    if (!network.removeManual(node)) throw new RpcError(RpcCode.CLIENT_NODE_NOT_ADDED, 'Error: Node could not be removed. It has not been added previously.');
    return null;
  }
  let added: boolean;
  try {
    added = network.addManual(node);
  } catch (err) {
    throw new RpcError(RpcCode.INVALID_PARAMETER, `Error: ${(err as Error).message}`);
  }
  if (!added) throw new RpcError(RpcCode.CLIENT_NODE_ALREADY_ADDED, 'Error: Node already added');
  return null;
}

function getAddedNodeInfo(p: Params, ctx: RpcContext): AddedNodeRow[] {
  const rows = p2p(ctx).addedNodes();
  if (!p.has(0)) return rows;
  const node = p.string(0);
  const found = rows.filter((row) => row.addednode === node);
  if (found.length === 0) throw new RpcError(RpcCode.CLIENT_NODE_NOT_ADDED, 'Error: Node has not been added.');
  return found;
}

async function disconnectNode(p: Params, ctx: RpcContext): Promise<null> {
  const network = p2p(ctx);
  const address = p.has(0) ? p.string(0) : undefined;
  if (address !== undefined && address !== '' && p.has(1)) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Only one of address and nodeid should be provided.');
  const byId = p.has(1) ? network.peers().find((peer) => peer.id === p.int(1)) : undefined;
  const target = p.has(1) ? byId?.peerId : address;
  if (!target) throw new RpcError(RpcCode.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
  const connected = network.peers().some((peer) => peer.peerId === target || peer.addr === target || peer.addr.startsWith(`${target}/`));
  if (!connected) throw new RpcError(RpcCode.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
  try {
    await network.disconnect(target);
  } catch {
    throw new RpcError(RpcCode.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
  }
  return null;
}

const NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns', 'dns'];

function getNodeAddresses(p: Params, ctx: RpcContext): NodeAddressRow[] {
  const count = p.int(0, { fallback: 1, what: 'Address count out of range' });
  if (count < 0) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Address count out of range');
  const network = p.has(1) ? p.string(1) : undefined;
  if (network !== undefined && !NETWORKS.includes(network)) throw new RpcError(RpcCode.INVALID_PARAMETER, `Network not recognized: ${network}`);
  const rows = p2p(ctx).nodeAddresses(network === undefined ? count : 0).filter((row) => network === undefined || row.network === network);
  return count === 0 ? rows : rows.slice(0, count);
}

/** Core's test-only addpeeraddress; our address is a multiaddr with /p2p/<id>, `port` replaces its /tcp/ port. */
function addPeerAddress(p: Params, ctx: RpcContext): { success: boolean } {
  if (!ctx.params.noRetargeting) throw new RpcError(RpcCode.METHOD_NOT_FOUND, 'addpeeraddress is only available on regtest');
  const address = p.string(0) ?? '';
  const port = p.has(1) ? p.int(1, { min: 0, max: 65535, what: 'port out of range' }) : undefined;
  const tried = p.bool(2, false);
  const withPort = port === undefined ? address : /\/tcp\/\d+/.test(address) ? address.replace(/\/tcp\/\d+/, `/tcp/${port}`) : address.replace(/(\/p2p\/[^/]+)$/, `/tcp/${port}$1`);
  try {
    return { success: p2p(ctx).addPeerAddress(withPort, tried) };
  } catch (err) {
    throw new RpcError(RpcCode.INVALID_PARAMETER, `Error: ${(err as Error).message}`);
  }
}

function getNetTotals(ctx: RpcContext): Record<string, unknown> {
  const totals = ctx.network?.netTotals() ?? { recv: 0, sent: 0 };
  return {
    totalbytesrecv: totals.recv,
    totalbytessent: totals.sent,
    timemillis: Date.now(),
    uploadtarget: { timeframe: 86_400, target: 0, target_reached: false, serve_historical_blocks: true, bytes_left_in_cycle: 0, time_left_in_cycle: 0 },
  };
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
  { name: 'addnode', group: 'network', args: [required('node'), required('command')], summary: 'Keeps (add), forgets (remove) or dials once (onetry) a peer multiaddr with /p2p/<id>.', run: addNode },
  { name: 'getaddednodeinfo', group: 'network', args: [optional('node')], summary: 'The peers added with addnode or --peer, and whether each is connected.', run: getAddedNodeInfo },
  { name: 'getnodeaddresses', group: 'network', args: [optional('count'), optional('network')], summary: 'Addresses from the address book (count 0: all).', run: getNodeAddresses },
  { name: 'addpeeraddress', group: 'network', args: [required('address'), optional('port'), optional('tried')], summary: 'Regtest: puts a multiaddr with /p2p/<id> in the address book.', run: addPeerAddress },
  { name: 'getnettotals', group: 'network', args: [], summary: 'Bytes sent and received over all connections since start.', run: (_p, ctx) => getNetTotals(ctx) },
  { name: 'disconnectnode', group: 'network', args: [optional('address'), optional('nodeid')], summary: 'Drops a connected peer by multiaddr, peer id or nodeid.', run: disconnectNode },
  { name: 'setban', group: 'network', args: [required('subnet'), required('command'), optional('bantime'), optional('absolute')], summary: 'Bans (add) or unbans (remove) a peer id or an address (IP; IP:port on loopback) for bantime seconds.', run: setBan },
  { name: 'listbanned', group: 'network', args: [], summary: 'Banned peer ids and addresses.', run: (_p, ctx) => p2p(ctx).listBanned() },
  { name: 'clearbanned', group: 'network', args: [], summary: 'Lifts every ban.', run: async (_p, ctx) => { await p2p(ctx).clearBanned(); return null; } },
];
