/** The p2p node as the RPC sees it: Core's peer and ban rows, numeric peer ids kept per session. */
import type { P2PNode } from '../p2p/node.js';
import type { AddedNodeRow, BanRow, NodeAddressRow, PeerRow, RpcNetwork } from '../rpc/interfaces.js';
import { addressRows, recordOf } from './address-rows.js';

export function networkForRpc(p2p: P2PNode): RpcNetwork {
  // getpeerinfo's `id` is a number in Core; each peer id gets the next one the first time it is seen.
  const numbers = new Map<string, number>();
  const numberOf = (peerId: string) => {
    if (!numbers.has(peerId)) numbers.set(peerId, numbers.size);
    return numbers.get(peerId)!;
  };
  return {
    get peerId() {
      return p2p.peerId;
    },
    addresses: () => p2p.addresses(),
    peers: (): PeerRow[] =>
      p2p.peers().map((peer) => ({
        id: numberOf(peer.id),
        peerId: peer.id,
        addr: peer.addr,
        inbound: peer.inbound,
        conntime: Math.floor(peer.connectedAt / 1000),
        startingheight: peer.height,
        synced_blocks: peer.height,
        banscore: peer.banScore,
        connection_type: peer.connectionType,
        bytessent: peer.bytesSent,
        bytesrecv: peer.bytesRecv,
        ...(peer.pingMs !== undefined ? { pingtime: peer.pingMs / 1000 } : {}),
      })),
    connect: async (address) => {
      await p2p.connect(address);
    },
    disconnect: (peer) => p2p.disconnect(peer),
    ban: (peer, seconds) => {
      p2p.ban(peer, seconds, 'manually added');
    },
    unban: (peer) => {
      p2p.unban(peer);
    },
    listBanned: (): BanRow[] => {
      const now = Date.now();
      return p2p.listBanned().map((ban) => ({
        address: ban.target,
        ban_created: Math.floor(ban.createdAt / 1000),
        banned_until: Math.floor(ban.until / 1000),
        ban_duration: Math.round((ban.until - ban.createdAt) / 1000),
        time_remaining: Math.max(0, Math.round((ban.until - now) / 1000)),
        ban_reason: ban.reason,
      }));
    },
    clearBanned: () => p2p.clearBanned(),
    syncState: () => p2p.syncState(),
    nodeAddresses: (count): NodeAddressRow[] => addressRows(p2p.addressBook().getAddr(count === 0 ? Number.MAX_SAFE_INTEGER : count, count === 0 ? 100 : 23)),
    addPeerAddress: (address, tried) => {
      const record = recordOf(address);
      const book = p2p.addressBook();
      const added = book.add([record], { peerId: p2p.peerId }) > 0 || book.get(record.peerId) !== undefined;
      if (added && tried) book.good(record.peerId);
      return added;
    },
    addManual: (address) => p2p.connections().addManual(address),
    removeManual: (address) => p2p.connections().removeManual(address),
    tryOnce: async (address) => {
      await p2p.connections().dialManual(address);
    },
    addedNodes: (): AddedNodeRow[] =>
      p2p.connections().manualPeers().map((peer) => ({
        addednode: peer.address,
        connected: peer.connected,
        addresses: peer.connected ? [{ address: peer.address, connected: 'outbound' as const }] : [],
      })),
    netTotals: () => p2p.netTotals(),
    addrmanCounts: () => addrmanCounts(p2p.addressBook().entries()),
    pingAll: () => p2p.pingPeers(),
    setActive: (active) => p2p.setNetworkActive(active),
    isActive: () => p2p.isNetworkActive(),
    fetchBlock: (peerId, hash) => p2p.fetchBlock(peerId, hash),
  };
}

/** getaddrmaninfo's counts: each entry under the network of its first multiaddr (Core's NET_IPV4, NET_IPV6, ...). */
function addrmanCounts(entries: ReadonlyArray<{ multiaddrs: string[]; tried: boolean }>): Record<string, { new: number; tried: number }> {
  const counts: Record<string, { new: number; tried: number }> = {};
  for (const entry of entries) {
    const first = entry.multiaddrs[0] ?? '';
    const network = first.startsWith('/ip6/') ? 'ipv6' : first.startsWith('/onion3/') ? 'onion' : 'ipv4';
    const row = (counts[network] ??= { new: 0, tried: 0 });
    if (entry.tried) row.tried++;
    else row.new++;
  }
  return counts;
}
