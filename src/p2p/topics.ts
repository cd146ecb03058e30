/**
 * Names and size limits of everything powcoin says over libp2p: three gossip topics and the
 * request/response protocols, all under `/powcoin/<protocolName>/`, so two networks never mix.
 */
import { createHash } from 'node:crypto';
import type { NetworkParams } from '../params/types.js';
import { hashToHex, toHex } from '../primitives/bytes.js';
import { sha256, sha256d } from '../primitives/hash.js';

/** A serialized block can be no bigger than its weight limit (weight counts every byte at least once). */
export const MAX_BLOCK_BYTES = 4_000_000;
/** Core's MAX_STANDARD_TX_WEIGHT is 400,000; no relayable tx is larger in bytes. */
export const MAX_TX_BYTES = 400_000;
/** Headers per headers/1 reply, as Core's MAX_HEADERS_RESULTS. */
export const MAX_HEADERS = 2_000;
/** Hashes per blocks/1 request. */
export const MAX_BLOCKS_PER_REQUEST = 16;
/** A blocks/1 reply stops adding blocks past this many bytes (it always carries at least one). */
export const BLOCKS_REPLY_SOFT_LIMIT = 4_000_000;
/** Largest blocks/1 reply: the soft limit plus one maximal block that crossed it, plus framing. */
export const MAX_BLOCKS_REPLY_BYTES = BLOCKS_REPLY_SOFT_LIMIT + MAX_BLOCK_BYTES + 1_024;
/** Txs per txs/1 push. */
export const MAX_TXS_PER_PUSH = 1_000;
/** A txs/1 push stops adding txs past this many bytes (it always carries at least one). */
export const TXS_PUSH_SOFT_LIMIT = 1_000_000;
/** Largest txs/1 push: the soft limit plus one maximal tx that crossed it, plus framing. */
export const MAX_TXS_PUSH_BYTES = TXS_PUSH_SOFT_LIMIT + MAX_TX_BYTES + 1_024;
/** Gossipsub's cap on one inbound RPC frame: one maximal block with protobuf framing. */
export const MAX_GOSSIP_FRAME_BYTES = MAX_BLOCK_BYTES + 64 * 1024;

export interface Topics {
  block: string;
  tx: string;
  /** Compact blocks (compact/, modelled on BIP152): header, short tx ids, prefilled txs. */
  compact: string;
}

export interface Protocols {
  status: string;
  headers: string;
  blocks: string;
  txs: string;
  mempool: string;
  /** A compact block's missing txs (BIP152's getblocktxn/blocktxn). */
  blocktxn: string;
}

export function topicsFor(params: NetworkParams): Topics {
  const base = `/powcoin/${params.protocolName}`;
  return { block: `${base}/block/1`, tx: `${base}/tx/1`, compact: `${base}/cmpctblock/1` };
}

export function protocolsFor(params: NetworkParams): Protocols {
  const base = `/powcoin/${params.protocolName}`;
  return { status: `${base}/status/1`, headers: `${base}/headers/1`, blocks: `${base}/blocks/1`, txs: `${base}/txs/1`, mempool: `${base}/mempool/1`, blocktxn: `${base}/blocktxn/1` };
}

/**
 * Content-addressed message ids, so the same block or tx published by two peers is one message,
 * and two different messages never share an id. A block's id covers every byte of the message:
 * a BIP340-style tagged sha256 of the whole serialization (the tag keeps it apart from any block
 * or tx hash). It must not be the block hash: that covers only the 80-byte header, so a peer
 * publishing the real header with a junk body first would make gossipsub drop the real block as
 * already seen. A tx's id is its wtxid, sha256d of its full serialization (witnesses included).
 * Neither needs a decode. Hex, UTF-8 encoded; tx ids in display order as the node names txs.
 */
export function messageId(topics: Topics, topic: string, data: Uint8Array): Uint8Array {
  return new TextEncoder().encode(messageIdString(topics, topic, data));
}

export function messageIdString(topics: Topics, topic: string, data: Uint8Array): string {
  if (topic === topics.block) return blockMessageId(data);
  if (topic === topics.tx) return hashToHex(sha256d(data));
  if (topic === topics.compact) return compactMessageId(data);
  return `raw:${toHex(sha256(data))}`;
}

const BLOCK_MESSAGE_TAG = sha256(new TextEncoder().encode('powcoin/gossip/block'));

/**
 * The gossip id of a serialized block: sha256(tag || tag || bytes), tag = sha256("powcoin/gossip/block").
 * Node's native sha256: every block message is hashed whole on receipt (a few ms for 4 MB).
 */
export function blockMessageId(data: Uint8Array): string {
  return `blk:${createHash('sha256').update(BLOCK_MESSAGE_TAG).update(BLOCK_MESSAGE_TAG).update(data).digest('hex')}`;
}

const COMPACT_MESSAGE_TAG = sha256(new TextEncoder().encode('powcoin/gossip/cmpctblock'));

/**
 * The gossip id of a compact block: like blockMessageId, over every byte of the message under its
 * own tag. A forged compact block under a real header (junk short ids, a junk prefilled tx) is
 * another message, so it cannot make gossipsub drop the real one as already seen.
 */
export function compactMessageId(data: Uint8Array): string {
  return `cmp:${createHash('sha256').update(COMPACT_MESSAGE_TAG).update(COMPACT_MESSAGE_TAG).update(data).digest('hex')}`;
}
