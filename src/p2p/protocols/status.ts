/**
 * status/1: on connect, the dialler sends its status (genesis, tip, height, chainwork) and the
 * listener answers with its own, so both learn whether the other is on their network and ahead.
 */
import type { PeerId } from '@libp2p/interface';
import type { P2PChain } from '../interfaces.js';
import type { NetworkParams } from '../../params/types.js';
import { ask, type ProtocolContext, serveOptions } from './context.js';
import { decodeStatus, encodeStatus, type StatusMessage } from './messages.js';
import { serve } from './stream-io.js';

const MAX_STATUS_BYTES = 256;

export function ourStatus(chain: P2PChain, params: NetworkParams): StatusMessage {
  const tip = chain.tip;
  return { genesisHash: params.genesisHash, tipHash: tip.hash, height: tip.height, chainwork: tip.chainwork };
}

/** Serves status/1; `heard` receives each requester's status. */
export async function serveStatus(context: ProtocolContext, heard: (peer: PeerId, status: StatusMessage) => void): Promise<void> {
  const answer = async (bytes: Uint8Array, peer: PeerId): Promise<Uint8Array> => {
    heard(peer, decodeStatus(bytes));
    return encodeStatus(ourStatus(context.chain, context.params));
  };
  await serve(context.libp2p, context.protocols.status, answer, serveOptions(context, 'status', MAX_STATUS_BYTES));
}

/** Sends our status to `peer` and returns theirs. */
export async function requestStatus(context: ProtocolContext, peer: PeerId): Promise<StatusMessage> {
  const reply = await ask(context, peer, 'status', encodeStatus(ourStatus(context.chain, context.params)), MAX_STATUS_BYTES);
  return decodeStatus(reply);
}
