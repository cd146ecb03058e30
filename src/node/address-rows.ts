/** Address book entries as getnodeaddresses rows, and addpeeraddress's multiaddr as a book record. */
import { multiaddr } from '@multiformats/multiaddr';
import { type AddressEntry, type AddressRecord, NODE_NETWORK, NODE_WITNESS } from '../p2p/addrman/types.js';
import { peerIdOf } from '../p2p/connections/peer-ids.js';

/** Core's network names, from the multiaddr's first protocol. */
function networkOf(address: string): string {
  const first = address.split('/')[1];
  if (first === 'ip4') return 'ipv4';
  if (first === 'ip6') return 'ipv6';
  if (first?.startsWith('dns')) return 'dns';
  return 'unroutable';
}

export function addressRows(entries: readonly AddressEntry[]): Array<{ time: number; services: number; address: string; port: number; network: string }> {
  return entries
    .filter((entry) => entry.multiaddrs.length > 0)
    .map((entry) => {
      const first = entry.multiaddrs[0];
      const port = /\/tcp\/(\d+)/.exec(first);
      return { time: Math.floor(entry.lastSeen / 1000), services: entry.services, address: `${first}/p2p/${entry.peerId}`, port: port ? Number(port[1]) : 0, network: networkOf(first) };
    });
}

/** A multiaddr ending /p2p/<id> (throws a plain Error naming what is wrong otherwise). */
export function recordOf(address: string): AddressRecord {
  const peerId = peerIdOf(address);
  const bare = address.replace(/\/p2p\/[^/]+$/, '');
  multiaddr(bare);
  if (!/\/tcp\/\d+/.test(bare)) throw new Error(`${address} has no /tcp/<port>`);
  return { peerId, multiaddrs: [bare], services: NODE_NETWORK | NODE_WITNESS, lastSeen: Date.now() };
}

export { networkOf };
