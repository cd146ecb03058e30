/**
 * txs/1: a peer pushes transactions it wants us to have; we answer with how many our mempool
 * accepted. Gossip cannot carry a tx the network has seen in the last two minutes (gossipsub
 * drops a message id it has seen, even one we publish), so this is how a node hands the txs a
 * reorg returned to its mempool to the peers on the winning side, who never saw them.
 */
import type { PeerId } from '@libp2p/interface';
import { ByteReader } from '../../primitives/reader.js';
import { ByteWriter } from '../../primitives/writer.js';
import { MAX_TXS_PER_PUSH, MAX_TXS_PUSH_BYTES, TXS_PUSH_SOFT_LIMIT } from '../topics.js';
import { ask, type ProtocolContext, serveOptions } from './context.js';
import { decodeTxs, encodeTxs } from './messages.js';
import { serve } from './stream-io.js';

const MAX_REPLY_BYTES = 9;

/** Serves txs/1; `receive` takes each push (raw txs) and resolves to how many were accepted. */
export async function serveTxs(context: ProtocolContext, receive: (peer: PeerId, txs: Uint8Array[]) => Promise<number>): Promise<void> {
  const answer = async (bytes: Uint8Array, peer: PeerId): Promise<Uint8Array> => {
    const accepted = await receive(peer, decodeTxs(bytes));
    return new ByteWriter(MAX_REPLY_BYTES).compactSize(accepted).finish();
  };
  await serve(context.libp2p, context.protocols.txs, answer, serveOptions(context, 'txs', MAX_TXS_PUSH_BYTES));
}

/** Pushes raw txs to `peer` in as many requests as the limits need; resolves to how many it accepted. */
export async function pushTxs(context: ProtocolContext, peer: PeerId, txs: readonly Uint8Array[]): Promise<number> {
  let accepted = 0;
  for (const batch of batches(txs)) {
    const reply = new ByteReader(await ask(context, peer, 'txs', encodeTxs(batch), MAX_REPLY_BYTES));
    accepted += reply.compactSize('accepted count');
  }
  return accepted;
}

function batches(txs: readonly Uint8Array[]): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const tx of txs) {
    if (current.length === MAX_TXS_PER_PUSH || bytes >= TXS_PUSH_SOFT_LIMIT) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(tx);
    bytes += tx.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}
