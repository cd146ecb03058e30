/**
 * mempool/1: mempool reconciliation. The requester sends a random 8-byte salt and the salted
 * short id of every tx in its mempool (6 bytes each: the first 6 bytes of sha256(salt ‖ wtxid),
 * as BIP152's short ids); the responder answers with the txs it has that the requester lacks
 * (raw, up to a soft byte limit; `more` says it had more) and the positions of the requester's
 * short ids it lacks, which the requester then pushes over txs/1. One round trip and a push
 * leave both mempools holding the union. A fresh salt per request means a short-id collision
 * (or one an attacker ground for) only hides a tx until the next round. The request also names
 * a minimum age (compact size, seconds): txs younger than that are still travelling by gossip, so the
 * responder leaves them out (0 on a new connection, which gossip cannot have reached yet).
 */
import { createHash } from 'node:crypto';
import type { PeerId } from '@libp2p/interface';
import { DecodeError } from '../../primitives/errors.js';
import { ByteReader } from '../../primitives/reader.js';
import { ByteWriter } from '../../primitives/writer.js';
import { MAX_TX_BYTES } from '../topics.js';
import { ask, type ProtocolContext, serveOptions } from './context.js';
import { serve } from './stream-io.js';

export const SALT_BYTES = 8;
export const SHORT_ID_BYTES = 6;
/** Short ids per request: a 600 KB request; a bigger mempool announces its first ones (oldest first). */
export const MAX_RECONCILE_IDS = 100_000;
/** The reply stops adding txs past this many bytes (it always carries at least one). */
export const RECONCILE_TXS_SOFT_LIMIT = 1_000_000;
const MAX_REQUEST_BYTES = SALT_BYTES + 2 + 5 + SHORT_ID_BYTES * MAX_RECONCILE_IDS;
const MAX_REPLY_BYTES = 5 + 5 * MAX_RECONCILE_IDS + 5 + RECONCILE_TXS_SOFT_LIMIT + MAX_TX_BYTES + 5 * 1_000 + 1;

export interface ReconcileRequest {
  salt: Uint8Array;
  /** Seconds: leave out txs that entered the responder's pool more recently. */
  minAge: number;
  shortIds: number[];
}

export interface ReconcileReply {
  /** Positions in the request's short-id list of txs the responder lacks. */
  want: number[];
  /** Raw txs the requester lacks. */
  txs: Uint8Array[];
  /** The responder had more txs for us than fit this reply. */
  more: boolean;
}

/** A mempool tx as reconciliation needs it. */
export interface PoolTx {
  readonly wtxid: string;
  readonly tx: { encode(): Uint8Array };
  /** Seconds since the epoch when it entered the pool. */
  readonly time: number;
}

/**
 * The 6-byte salted short id of a wtxid (display-order hex), as a number (48 bits fit a double
 * exactly). Node's native sha256: a 5,000-tx mempool is 10,000 hashes per round.
 */
export function shortId(salt: Uint8Array, wtxid: string): number {
  const hash = createHash('sha256').update(salt).update(Buffer.from(wtxid, 'hex').reverse()).digest();
  return hash.readUIntLE(0, SHORT_ID_BYTES);
}

function readShortId(bytes: Uint8Array): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUIntLE(0, SHORT_ID_BYTES);
}

export function encodeReconcileRequest(salt: Uint8Array, wtxids: readonly string[], minAge = 0): Uint8Array {
  const body = Buffer.alloc(SHORT_ID_BYTES * wtxids.length);
  wtxids.forEach((wtxid, i) => body.writeUIntLE(shortId(salt, wtxid), i * SHORT_ID_BYTES, SHORT_ID_BYTES));
  const writer = new ByteWriter(SALT_BYTES + 2 + 9 + body.length);
  writer.bytes(salt).compactSize(Math.min(0xffff, Math.max(0, Math.round(minAge)))).compactSize(wtxids.length).bytes(body);
  return writer.finish();
}

export function decodeReconcileRequest(bytes: Uint8Array): ReconcileRequest {
  const reader = new ByteReader(bytes);
  const salt = reader.bytesCopy(SALT_BYTES, 'salt');
  const minAge = reader.compactSize('min age');
  const count = reader.count(SHORT_ID_BYTES, 'short id count');
  if (count > MAX_RECONCILE_IDS) throw new DecodeError('oversized-count', `${count} short ids, at most ${MAX_RECONCILE_IDS}`);
  const shortIds = Array.from({ length: count }, () => readShortId(reader.bytesView(SHORT_ID_BYTES, 'short id')));
  reader.end('mempool request');
  return { salt, minAge, shortIds };
}

export function encodeReconcileReply(reply: ReconcileReply): Uint8Array {
  const size = 9 + 5 * reply.want.length + 9 + reply.txs.reduce((sum, tx) => sum + tx.length + 5, 0) + 1;
  const writer = new ByteWriter(size);
  writer.compactSize(reply.want.length);
  for (const index of reply.want) writer.compactSize(index);
  writer.compactSize(reply.txs.length);
  for (const tx of reply.txs) writer.varBytes(tx);
  writer.u8(reply.more ? 1 : 0);
  return writer.finish();
}

/** `asked`: how many short ids we sent, so every position must be below it and strictly increasing. */
export function decodeReconcileReply(bytes: Uint8Array, asked: number): ReconcileReply {
  const reader = new ByteReader(bytes);
  const wantCount = reader.count(1, 'want count');
  if (wantCount > asked) throw new DecodeError('oversized-count', `${wantCount} wants for ${asked} short ids`);
  const want: number[] = [];
  for (let i = 0; i < wantCount; i++) {
    const index = reader.compactSize('want index');
    if (index >= asked || (i > 0 && index <= want[i - 1])) throw new DecodeError('out-of-range', `want index ${index} out of order or range`);
    want.push(index);
  }
  const txCount = reader.count(1, 'tx count');
  const txs = Array.from({ length: txCount }, () => reader.varBytes('tx'));
  const flag = reader.u8('more flag');
  if (flag > 1) throw new DecodeError('out-of-range', `more flag ${flag}`);
  reader.end('mempool reply');
  return { want, txs, more: flag === 1 };
}

/** The responder's side: what the requester lacks from `pool` (old enough), and which of its ids we lack. */
export function answerReconcile(request: ReconcileRequest, pool: Iterable<PoolTx>, now = Date.now() / 1000): ReconcileReply {
  const ours = new Map<number, PoolTx>();
  for (const tx of pool) ours.set(shortId(request.salt, tx.wtxid), tx);
  const want: number[] = [];
  request.shortIds.forEach((id, index) => {
    if (!ours.delete(id)) want.push(index);
  });
  // What is left in `ours` the requester did not announce; in mempool order, so parents go first.
  const txs: Uint8Array[] = [];
  let bytes = 0;
  let more = false;
  for (const tx of ours.values()) {
    if (now - tx.time < request.minAge) continue;
    if (bytes >= RECONCILE_TXS_SOFT_LIMIT) {
      more = true;
      break;
    }
    const raw = tx.tx.encode();
    txs.push(raw);
    bytes += raw.length;
  }
  return { want, txs, more };
}

/** Serves mempool/1 from `pool()` (the mempool's txs at the time of the request). */
export async function serveMempool(context: ProtocolContext, pool: () => Iterable<PoolTx>): Promise<void> {
  const answer = async (bytes: Uint8Array): Promise<Uint8Array> => encodeReconcileReply(answerReconcile(decodeReconcileRequest(bytes), pool()));
  await serve(context.libp2p, context.protocols.mempool, answer, { ...serveOptions(context, 'mempool', MAX_REQUEST_BYTES), maxInboundStreams: 2 });
}

export interface ReconcileExchange {
  reply: ReconcileReply;
  requestBytes: number;
  replyBytes: number;
}

/** Sends our short ids (for `wtxids`, a fresh salt) to `peer` and returns its answer. */
export async function requestReconcile(context: ProtocolContext, peer: PeerId, wtxids: readonly string[], salt: Uint8Array, minAge: number): Promise<ReconcileExchange> {
  const request = encodeReconcileRequest(salt, wtxids, minAge);
  const raw = await ask(context, peer, 'mempool', request, MAX_REPLY_BYTES);
  return { reply: decodeReconcileReply(raw, wtxids.length), requestBytes: request.length, replyBytes: raw.length };
}
