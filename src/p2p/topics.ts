/**
 * Names and size limits of everything powcoin says over libp2p: two gossip topics and three
 * request/response protocols, all under `/powcoin/<protocolName>/`, so two networks never mix.
 */
import type { NetworkParams } from '../params/types.js';
import { hashToHex } from '../primitives/bytes.js';
import { sha256, sha256d } from '../primitives/hash.js';
import { HEADER_SIZE } from '../primitives/header.js';

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
}

export interface Protocols {
  status: string;
  headers: string;
  blocks: string;
  txs: string;
  mempool: string;
}

export function topicsFor(params: NetworkParams): Topics {
  const base = `/powcoin/${params.protocolName}`;
  return { block: `${base}/block/1`, tx: `${base}/tx/1` };
}

export function protocolsFor(params: NetworkParams): Protocols {
  const base = `/powcoin/${params.protocolName}`;
  return { status: `${base}/status/1`, headers: `${base}/headers/1`, blocks: `${base}/blocks/1`, txs: `${base}/txs/1`, mempool: `${base}/mempool/1` };
}

/**
 * Content-addressed message ids, so the same block or tx published by two peers is one message.
 * Neither needs a decode: a block's hash is sha256d of its first 80 bytes (the header), and a
 * tx's wtxid is sha256d of its full serialization. Bytes too short to hold a header get sha256
 * of the bytes. Display-order hex (as the rest of the node names blocks and txs), UTF-8 encoded.
 */
export function messageId(topics: Topics, topic: string, data: Uint8Array): Uint8Array {
  return new TextEncoder().encode(messageIdString(topics, topic, data));
}

export function messageIdString(topics: Topics, topic: string, data: Uint8Array): string {
  if (topic === topics.block && data.length >= HEADER_SIZE) return hashToHex(sha256d(data.subarray(0, HEADER_SIZE)));
  if (topic === topics.tx) return hashToHex(sha256d(data));
  return `raw:${hashToHex(sha256(data))}`;
}
