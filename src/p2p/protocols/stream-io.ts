/**
 * One request, one reply, each a single length-prefixed message on its own libp2p stream. Every
 * read has a size limit and a deadline, so a peer can neither exhaust memory nor hold a stream
 * open forever; failures come back typed so the caller knows whom to blame.
 */
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';

/**
 * - `malformed`: the peer sent bytes over the limit or that do not decode (costs ban score).
 * - `protocol`: the peer broke the exchange (closed without replying, replied nonsense).
 * - `timeout`, `io`: slow or gone; not held against it.
 */
export type PeerErrorKind = 'malformed' | 'protocol' | 'timeout' | 'io';

export class PeerError extends Error {
  constructor(
    readonly kind: PeerErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PeerError';
  }
}

export interface ReadLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** Reads exactly one length-prefixed message from `stream`. */
export async function readMessage(stream: Stream, limits: ReadLimits): Promise<Uint8Array> {
  // Bytes that arrive before we iterate are buffered by the stream; let that buffer hold one message.
  stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, limits.maxBytes + 16);
  const messages = lp.decode(stream, { maxDataLength: limits.maxBytes })[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PeerError('timeout', `no reply within ${limits.timeoutMs} ms`)), limits.timeoutMs);
  });
  try {
    const next = await Promise.race([messages.next(), deadline]);
    if (next.done) throw new PeerError('protocol', 'stream closed before a message');
    return next.value.subarray();
  } catch (err) {
    throw asPeerError(err);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes one length-prefixed message and closes our side, waiting until it is handed to the transport. */
export async function writeMessage(stream: Stream, message: Uint8Array, timeoutMs: number): Promise<void> {
  try {
    stream.send(lp.encode.single(message));
    await stream.close({ signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw asPeerError(err);
  }
}

/** Opens `protocol` to `peer`, sends `request`, and returns the single reply. */
export async function request(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  peer: PeerId,
  protocol: string,
  payload: Uint8Array,
  limits: ReadLimits,
): Promise<Uint8Array> {
  let stream: Stream;
  try {
    stream = await libp2p.dialProtocol(peer, protocol, { signal: AbortSignal.timeout(limits.timeoutMs) });
  } catch (err) {
    throw new PeerError('io', `cannot open ${protocol}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await writeMessage(stream, payload, limits.timeoutMs);
    return await readMessage(stream, limits);
  } catch (err) {
    stream.abort(err as Error);
    throw err;
  }
}

function asPeerError(err: unknown): PeerError {
  if (err instanceof PeerError) return err;
  const name = (err as Error)?.name ?? '';
  // it-length-prefixed's errors for a length over maxDataLength or a broken varint.
  if (/InvalidDataLength|InvalidMessageLength|InvalidDataLengthLength/.test(name)) return new PeerError('malformed', (err as Error).message, { cause: err });
  if (name === 'UnexpectedEOFError') return new PeerError('protocol', 'message cut short', { cause: err });
  if (name === 'TimeoutError' || name === 'AbortError') return new PeerError('timeout', (err as Error).message, { cause: err });
  return new PeerError('io', (err as Error)?.message ?? String(err), { cause: err });
}

export interface ServeOptions extends ReadLimits {
  /** Whether to serve this request at all (a rate limit); refused streams are reset unread. */
  admit?(peer: PeerId): boolean;
  /** Called for each request `admit` refused. */
  onFlood?(peer: PeerId): void;
  /** Called when the requester sent something oversized or undecodable. */
  onMalformed(peer: PeerId, reason: string): void;
  /** Called for failures that are ours (a bug) or nobody's (a dropped connection). */
  onFailure(peer: PeerId, err: unknown): void;
  /** Concurrent inbound streams per connection: a syncing peer needs a few, not hundreds. */
  maxInboundStreams?: number;
}

/**
 * Registers a handler for `protocol`: it reads one request, and the reply `handle` returns is
 * sent back. A DecodeError from `handle` means the request was malformed.
 */
export async function serve(
  libp2p: Pick<Libp2p, 'handle'>,
  protocol: string,
  handle: (request: Uint8Array, peer: PeerId) => Promise<Uint8Array>,
  options: ServeOptions,
): Promise<void> {
  await libp2p.handle(
    protocol,
    async (stream, connection) => {
      const peer = connection.remotePeer;
      if (options.admit && !options.admit(peer)) {
        stream.abort(new Error(`${protocol}: over the rate limit`));
        options.onFlood?.(peer);
        return;
      }
      try {
        const requestBytes = await readMessage(stream, options);
        const reply = await handle(requestBytes, peer);
        await writeMessage(stream, reply, options.timeoutMs);
      } catch (err) {
        stream.abort(err as Error);
        // A request that stopped short may be a dropped connection; only bad bytes are blamed.
        const malformed = (err instanceof PeerError && err.kind === 'malformed') || (err as Error)?.name === 'DecodeError';
        if (malformed) options.onMalformed(peer, `${protocol}: ${(err as Error).message}`);
        else options.onFailure(peer, err);
      }
    },
    { maxInboundStreams: options.maxInboundStreams ?? 8 },
  );
}
