import type { Libp2p, PeerId } from '@libp2p/interface';
import type { NetworkParams } from '../../params/types.js';
import type { P2PChain } from '../interfaces.js';
import type { RequestKind } from '../rate-limit.js';
import type { Protocols } from '../topics.js';
import type { Misbehaviour } from '../verdict.js';
import { request, type ServeOptions } from './stream-io.js';
import type { Logger } from '../../util/logger.js';

/** What the request/response protocols share: the libp2p stack, the chain, and a way to blame a peer. */
export interface ProtocolContext {
  libp2p: Pick<Libp2p, 'dialProtocol' | 'handle'>;
  chain: P2PChain;
  params: NetworkParams;
  protocols: Protocols;
  logger: Logger;
  /** Deadline for each read and write of a request or reply. */
  timeoutMs: number;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
  /** Milliseconds our next `kind` request to `peer` must wait to stay within REQUEST_LIMITS (reserves it). */
  pace(peer: PeerId, kind: RequestKind): number;
  /** Whether a `kind` request from `peer` is within the (slackened) limits; false: a flood. */
  admit(peer: PeerId, kind: RequestKind): boolean;
}

/** The serve options every protocol handler uses: malformed requests and floods cost ban score, the rest is logged. */
export function serveOptions(context: ProtocolContext, kind: RequestKind, maxBytes: number): ServeOptions {
  return {
    maxBytes,
    timeoutMs: context.timeoutMs,
    admit: (peer) => context.admit(peer, kind),
    onFlood: (peer) => context.penalise(peer, 'flood', `${kind} requests over the rate limit`),
    onMalformed: (peer, reason) => context.penalise(peer, 'malformed', reason),
    onFailure: (peer, err) => context.logger.debug({ peer: peer.toString(), err: String(err) }, 'request not served'),
  };
}

/** Sends one `kind` request to `peer` once our rate limit allows it, and returns the reply (within `timeoutMs`, default the context's). */
export async function ask(context: ProtocolContext, peer: PeerId, kind: RequestKind, payload: Uint8Array, maxBytes: number, timeoutMs = context.timeoutMs): Promise<Uint8Array> {
  const wait = context.pace(peer, kind);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return request(context.libp2p, peer, context.protocols[kind], payload, { maxBytes, timeoutMs });
}
