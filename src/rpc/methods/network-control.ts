/** Core's setnetworkactive and getblockfrompeer: switching p2p off and on, and fetching one block from one peer. */
import { RpcCode, RpcError, typeError } from '../errors.js';
import type { RpcContext, RpcNetwork } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, required } from './types.js';

function p2p(ctx: RpcContext): RpcNetwork {
  if (!ctx.network) throw new RpcError(RpcCode.CLIENT_P2P_DISABLED, 'Error: Peer-to-peer functionality missing or disabled');
  return ctx.network;
}

async function setNetworkActive(p: Params, ctx: RpcContext): Promise<boolean> {
  if (!p.has(0)) throw typeError('JSON value of type null is not of expected type bool');
  const state = p.bool(0, true);
  const network = p2p(ctx);
  if (!network.setActive) throw new RpcError(RpcCode.CLIENT_P2P_DISABLED, 'Error: Peer-to-peer functionality missing or disabled');
  return network.setActive(state);
}

/**
 * Core answers {} once the request is sent and the block arrives later; we wait for the peer's
 * answer so the block is stored when the call returns. A peer that does not deliver it leaves
 * the answer {} as in Core (the failure is logged).
 */
async function getBlockFromPeer(p: Params, ctx: RpcContext): Promise<Record<string, never>> {
  const hash = p.hash(0, 'blockhash');
  if (!p.has(1)) throw typeError('JSON value of type null is not of expected type number');
  const peerNumber = p.int(1);
  const network = p2p(ctx);
  if (!ctx.chain.getEntry(hash)) throw new RpcError(RpcCode.MISC_ERROR, 'Block header missing');
  if (await ctx.chain.getBlock(hash)) throw new RpcError(RpcCode.MISC_ERROR, 'Block already downloaded');
  const peer = network.peers().find((row) => row.id === peerNumber);
  if (!peer || !network.fetchBlock) throw new RpcError(RpcCode.MISC_ERROR, 'Peer does not exist');
  await network.fetchBlock(peer.peerId, hash).catch(() => undefined);
  return {};
}

export const networkControlMethods: RpcMethod[] = [
  { name: 'setnetworkactive', group: 'network', args: [required('state')], summary: 'Disable/enable all p2p network activity.', run: setNetworkActive },
  { name: 'getblockfrompeer', group: 'blockchain', args: [required('blockhash'), required('peer_id')], summary: 'Attempt to fetch a block whose header we have but whose body we lack from the given peer.', run: getBlockFromPeer },
];
