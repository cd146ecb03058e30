/**
 * blocktxn/1, BIP152's getblocktxn/blocktxn as one request and its reply: a peer rebuilding a
 * compact block we relayed names the positions it lacks; we answer with those txs, or with none
 * when we do not have the block (yet), and it falls back to the whole block over blocks/1.
 */
import type { PeerId } from '@libp2p/interface';
import type { Block } from '../../primitives/block.js';
import { DecodeError } from '../../primitives/errors.js';
import type { Transaction } from '../../primitives/transaction.js';
import { MAX_BLOCK_BYTES } from '../topics.js';
import { ask, type ProtocolContext, serveOptions } from '../protocols/context.js';
import { PeerError, serve } from '../protocols/stream-io.js';
import { decodeBlockTxn, decodeBlockTxnRequest, encodeBlockTxn, encodeBlockTxnRequest, MAX_BLOCK_TXS } from './codec.js';

/** A hash and MAX_BLOCK_TXS differential indexes of up to 3 bytes each. */
const MAX_REQUEST_BYTES = 32 + 5 + 3 * MAX_BLOCK_TXS;
const MAX_REPLY_BYTES = MAX_BLOCK_BYTES + 1_024;

/** Serves blocktxn/1; `find` gives the block for a hash when we have it (or soon will). */
export async function serveBlockTxn(context: ProtocolContext, find: (hash: string) => Promise<Block | undefined>): Promise<void> {
  const answer = async (bytes: Uint8Array): Promise<Uint8Array> => {
    const { hash, indexes } = decodeBlockTxnRequest(bytes);
    const block = await find(hash);
    if (!block) return encodeBlockTxn({ hash, txs: [] });
    const last = indexes[indexes.length - 1];
    // Core: asking for a position the block does not have is misbehaviour.
    if (last !== undefined && last >= block.txs.length) throw new DecodeError('out-of-range', `tx ${last} asked of a block of ${block.txs.length}`);
    return encodeBlockTxn({ hash, txs: indexes.map((i) => block.txs[i]) });
  };
  await serve(context.libp2p, context.protocols.blocktxn, answer, serveOptions(context, 'blocktxn', MAX_REQUEST_BYTES));
}

/**
 * Asks `peer` for the txs at `indexes` of block `hash`: undefined when it does not have the
 * block; a reply for another block or with another number of txs is the peer's fault.
 */
export async function requestBlockTxn(context: ProtocolContext, peer: PeerId, hash: string, indexes: readonly number[]): Promise<Transaction[] | undefined> {
  const reply = decodeBlockTxn(await ask(context, peer, 'blocktxn', encodeBlockTxnRequest({ hash, indexes: [...indexes] }), MAX_REPLY_BYTES));
  if (reply.hash !== hash) throw new PeerError('protocol', `blocktxn reply for ${reply.hash} where ${hash} was asked`);
  if (reply.txs.length === 0 && indexes.length > 0) return undefined;
  if (reply.txs.length !== indexes.length) throw new PeerError('protocol', `blocktxn reply with ${reply.txs.length} txs where ${indexes.length} were asked`);
  return reply.txs;
}
