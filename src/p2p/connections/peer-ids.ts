/** Peer ids in multiaddrs: `/ip4/…/tcp/…/p2p/<id>` as --peer, addnode and anchors write them. */
import { peerIdFromString } from '@libp2p/peer-id';

/** The peer id of a multiaddr ending /p2p/<id>; throws a clear error when it has none. */
export function peerIdOf(address: string): string {
  const match = /\/p2p\/([^/]+)$/.exec(address);
  if (!match) throw new Error(`${address} does not end in /p2p/<peer id>`);
  peerIdFromString(match[1]);
  return match[1];
}

export function stripPeerId(address: string): string {
  return address.replace(/\/p2p\/[^/]+$/, '');
}

export function withPeerId(address: string, peerId: string): string {
  return `${stripPeerId(address)}/p2p/${peerId}`;
}
