/**
 * headers/1: the requester sends its block locator; we answer with up to MAX_HEADERS main-chain
 * headers following the newest locator hash on our main chain (genesis when none is), as Core's
 * getheaders. The locator lets a peer on a fork find where our chains part.
 */
import type { PeerId } from '@libp2p/interface';
import type { BlockHeader } from '../../primitives/header.js';
import type { P2PChain } from '../interfaces.js';
import { MAX_HEADERS } from '../topics.js';
import { ask, type ProtocolContext, serveOptions } from './context.js';
import { decodeHeaders, decodeHeadersRequest, encodeHeaders, encodeHeadersRequest, type HeadersRequest } from './messages.js';
import { serve } from './stream-io.js';

const MAX_REQUEST_BYTES = 4 + 32 * 102;
const MAX_REPLY_BYTES = 3 + 80 * MAX_HEADERS;

export async function serveHeaders(context: ProtocolContext): Promise<void> {
  const answer = async (bytes: Uint8Array): Promise<Uint8Array> => encodeHeaders(headersAfter(context.chain, decodeHeadersRequest(bytes)));
  await serve(context.libp2p, context.protocols.headers, answer, serveOptions(context, 'headers', MAX_REQUEST_BYTES));
}

/** Main-chain headers after the fork point the locator names, up to `stop` or MAX_HEADERS. */
export function headersAfter(chain: P2PChain, { locator, stop }: HeadersRequest): BlockHeader[] {
  const from = forkHeight(chain, locator);
  const headers: BlockHeader[] = [];
  for (let height = from + 1; height <= chain.height && headers.length < MAX_HEADERS; height++) {
    const entry = chain.getEntryAtHeight(height);
    if (!entry) break;
    headers.push(entry.header);
    if (entry.hash === stop) break;
  }
  return headers;
}

/** Height of the first locator hash that is on our main chain; 0 (genesis) when none is. */
function forkHeight(chain: P2PChain, locator: readonly string[]): number {
  for (const hash of locator) {
    const entry = chain.getEntry(hash);
    if (entry && chain.getEntryAtHeight(entry.height)?.hash === hash) return entry.height;
  }
  return 0;
}

/** Asks `peer` for the headers following our `locator`. */
export async function requestHeaders(context: ProtocolContext, peer: PeerId, locator: string[]): Promise<BlockHeader[]> {
  const reply = await ask(context, peer, 'headers', encodeHeadersRequest({ locator }), MAX_REPLY_BYTES);
  return decodeHeaders(reply);
}
