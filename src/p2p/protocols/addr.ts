/**
 * addr/1: address exchange (Core's getaddr/addr). One request, one reply on a stream:
 * - `getaddr` → a list of records (answered once per connection, to inbound peers only);
 * - `addr` (a push of records: self-announcements and their relay) → an empty list.
 * Bodies are in ./addr-messages.ts; what to do with them is the AddrRelay's business.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import type { AddressRecord } from '../addrman/types.js';

import type { Misbehaviour } from '../verdict.js';
import { type AddrMessage, decodeAddrList, decodeAddrMessage, encodeAddrList, encodeAddrMessage, MAX_ADDR_MESSAGE_BYTES } from './addr-messages.js';
import { request, serve } from './stream-io.js';
import type { Logger } from '../../util/logger.js';

export function addrProtocol(protocolName: string): string {
  return `/powcoin/${protocolName}/addr/1`;
}

export interface AddrContext {
  libp2p: Pick<Libp2p, 'dialProtocol' | 'handle'>;
  protocol: string;
  /** Our own peer id: records naming it are never stored or relayed. */
  selfId: string;
  timeoutMs: number;
  logger: Logger;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
}

export interface AddrHandlers {
  /** Whether to read this message at all (a per-peer message budget); refused: a flood. */
  admit(peer: PeerId): boolean;
  /** The records to answer a getaddr with (empty: not answered, e.g. a second getaddr). */
  getaddr(peer: PeerId): AddressRecord[];
  /** Addresses the peer pushed to us unasked. */
  addr(peer: PeerId, records: AddressRecord[]): void;
}

export async function serveAddr(context: AddrContext, handlers: AddrHandlers): Promise<void> {
  const answer = async (bytes: Uint8Array, peer: PeerId): Promise<Uint8Array> => {
    const message = decodeAddrMessage(bytes);
    if (message.kind === 'getaddr') return encodeAddrList(handlers.getaddr(peer));
    handlers.addr(peer, message.records);
    return encodeAddrList([]);
  };
  await serve(context.libp2p, context.protocol, answer, {
    maxBytes: MAX_ADDR_MESSAGE_BYTES,
    timeoutMs: context.timeoutMs,
    admit: (peer) => handlers.admit(peer),
    onFlood: (peer) => context.penalise(peer, 'flood', 'addr messages over the rate limit'),
    onMalformed: (peer, reason) => context.penalise(peer, 'malformed', reason),
    onFailure: (peer, err) => context.logger.debug({ peer: peer.toString(), err: String(err) }, 'addr request not served'),
    maxInboundStreams: 4,
  });
}

/** Asks `peer` for addresses (getaddr) and returns its answer. */
export async function requestAddrs(context: AddrContext, peer: PeerId): Promise<AddressRecord[]> {
  return decodeAddrList(await send(context, peer, { kind: 'getaddr' }));
}

/** Pushes `records` (at most 1,000) to `peer`. */
export async function pushAddrs(context: AddrContext, peer: PeerId, records: AddressRecord[]): Promise<void> {
  decodeAddrList(await send(context, peer, { kind: 'addr', records }));
}

function send(context: AddrContext, peer: PeerId, message: AddrMessage): Promise<Uint8Array> {
  return request(context.libp2p, peer, context.protocol, encodeAddrMessage(message), { maxBytes: MAX_ADDR_MESSAGE_BYTES, timeoutMs: context.timeoutMs });
}
