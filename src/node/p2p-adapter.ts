/** The p2p node as the RPC sees it: Core's peer and ban rows, numeric peer ids kept per session. */
import type { P2PNode } from '../p2p/node.js';
import type { BanRow, PeerRow, RpcNetwork } from '../rpc/interfaces.js';

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
  };
}
