/**
 * blocks/1: the requester names up to MAX_BLOCKS_PER_REQUEST block hashes; we answer with the
 * blocks we have, in the order asked, stopping at the first we lack or once the reply passes
 * BLOCKS_REPLY_SOFT_LIMIT bytes. The requester asks again for the rest.
 */
import type { PeerId } from '@libp2p/interface';
import { Block } from '../../primitives/block.js';
import { BLOCKS_REPLY_SOFT_LIMIT, MAX_BLOCKS_PER_REQUEST, MAX_BLOCKS_REPLY_BYTES } from '../topics.js';
import { ask, type ProtocolContext, serveOptions } from './context.js';
import { decodeBlocks, decodeBlocksRequest, encodeBlocks, encodeBlocksRequest } from './messages.js';
import { PeerError, serve } from './stream-io.js';

const MAX_REQUEST_BYTES = 1 + 32 * MAX_BLOCKS_PER_REQUEST;

export async function serveBlocks(context: ProtocolContext): Promise<void> {
  const answer = async (bytes: Uint8Array): Promise<Uint8Array> => encodeBlocks(await blocksFor(context, decodeBlocksRequest(bytes)));
  await serve(context.libp2p, context.protocols.blocks, answer, serveOptions(context, 'blocks', MAX_REQUEST_BYTES));
}

async function blocksFor(context: ProtocolContext, hashes: readonly string[]): Promise<Uint8Array[]> {
  const found: Uint8Array[] = [];
  let bytes = 0;
  for (const hash of hashes) {
    if (bytes >= BLOCKS_REPLY_SOFT_LIMIT) break;
    const block = await context.chain.getBlock(hash);
    if (!block) break;
    const raw = block.encode();
    found.push(raw);
    bytes += raw.length;
  }
  return found;
}

/**
 * Fetches blocks from `peer`: a prefix of `hashes`, in order. Anything else in the reply (a block
 * we did not ask for, bytes that do not decode) is the peer's fault and thrown as such.
 */
export async function requestBlocks(context: ProtocolContext, peer: PeerId, hashes: readonly string[], timeoutMs?: number): Promise<Block[]> {
  const reply = await ask(context, peer, 'blocks', encodeBlocksRequest(hashes), MAX_BLOCKS_REPLY_BYTES, timeoutMs);
  const blocks = decodeBlocks(reply).map((raw) => Block.decode(raw));
  blocks.forEach((block, i) => {
    if (block.hash() !== hashes[i]) throw new PeerError('protocol', `blocks reply: got ${block.hash()} where ${hashes[i]} was asked`);
  });
  return blocks;
}
