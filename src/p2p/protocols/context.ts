import type { Libp2p, PeerId } from '@libp2p/interface';
import type { NetworkParams } from '../../params/types.js';
import type { P2PChain, P2PLogger } from '../interfaces.js';
import type { Protocols } from '../topics.js';
import type { Misbehaviour } from '../verdict.js';
import type { ServeOptions } from './stream-io.js';

/** What the request/response protocols share: the libp2p stack, the chain, and a way to blame a peer. */
export interface ProtocolContext {
  libp2p: Pick<Libp2p, 'dialProtocol' | 'handle'>;
  chain: P2PChain;
  params: NetworkParams;
  protocols: Protocols;
  logger: P2PLogger;
  /** Deadline for each read and write of a request or reply. */
  timeoutMs: number;
  penalise(peer: PeerId, kind: Misbehaviour, reason: string): void;
}

/** The serve options every protocol handler uses: malformed requests cost ban score, the rest is logged. */
export function serveOptions(context: ProtocolContext, maxBytes: number): ServeOptions {
  return {
    maxBytes,
    timeoutMs: context.timeoutMs,
    onMalformed: (peer, reason) => context.penalise(peer, 'malformed', reason),
    onFailure: (peer, err) => context.logger.debug({ peer: peer.toString(), err: String(err) }, 'request not served'),
  };
}
