/**
 * Peer discipline: ban score, bans of peer ids and of addresses, and the gossip graylist watch.
 * The node owns one once started (the ban list is read from disk); hanging up on a peer and
 * announcing a ban are the node's, handed in as callbacks.
 */
import type { Connection, ConnectionGater, IdentifyResult, MultiaddrConnection, PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { GossipSub } from '@libp2p/gossipsub';
import { AddressBans } from './address-bans.js';
import { isAddressKey } from './address-key.js';
import { type BanEntry, BanList } from './bans.js';
import { GRAYLIST_WATCH_MS, graylistedOffenders } from './graylist-watch.js';

import type { P2POptions } from './options.js';
import type { PeerScores } from './peer-scores.js';
import type { Verdict } from './verdict.js';
import type { Logger } from '../util/logger.js';

export interface DisciplineModules {
  scores: PeerScores;
  logger: Logger;
  /** Closes every connection to a peer id (a no-op when the node is stopped). */
  hangUp(peer: string): void;
  /** Tells the node's listeners about a ban (the 'peerBanned' event). */
  banned(event: { id: string; until: number; reason: string }): void;
  /** Asks the syncer to sync from a peer that sent an orphan block. */
  syncFrom(peer: PeerId, reason: string): void;
}

export class PeerDiscipline {
  private graylistTimer?: NodeJS.Timeout;

  private constructor(
    readonly bans: BanList,
    readonly addressBans: AddressBans,
    private readonly modules: DisciplineModules,
    private readonly banSeconds: number,
  ) {}

  /** Reads the ban list from `options.dataDir`. */
  static async open(options: Pick<P2POptions, 'dataDir' | 'addressBanAfter' | 'banSeconds'>, modules: DisciplineModules): Promise<PeerDiscipline> {
    const bans = await BanList.open(options.dataDir);
    return new PeerDiscipline(bans, new AddressBans(bans, options.addressBanAfter), modules, options.banSeconds);
  }

  /**
   * Bans a peer id, or an address key ("203.0.113.5", "127.0.0.1:4001"; see address-key.ts), for
   * `seconds` and disconnects it. The addressBanAfter-th peer id banned from one address bans
   * the address too.
   */
  ban(target: string, seconds: number, reason: string): BanEntry {
    if (isAddressKey(target)) return this.banAddress(target, seconds, reason);
    const { bans, addressBans } = this;
    const { scores, logger } = this.modules;
    const address = addressBans.keyOf(target);
    const entry = bans.ban(target, seconds, reason, address);
    scores.forget(target);
    logger.warn({ peer: target, address, reason, until: new Date(entry.until).toISOString() }, 'peer banned');
    this.modules.banned({ id: target, until: entry.until, reason });
    this.modules.hangUp(target);
    const escalated = address === undefined ? undefined : addressBans.escalate(address, seconds);
    if (escalated) this.addressBanned(escalated);
    return entry;
  }

  /** libp2p's gate: banned peer ids are refused both ways, banned addresses before the handshake. */
  gater(): ConnectionGater {
    const { bans, addressBans } = this;
    const banned = (peer: PeerId): boolean => bans.isBanned(peer.toString());
    return {
      denyDialPeer: banned,
      denyDialMultiaddr: (address: Multiaddr) => addressBans.deniesDial(address),
      denyInboundConnection: (connection: MultiaddrConnection) => addressBans.deniesInbound(connection.remoteAddr),
      denyInboundEncryptedConnection: banned,
      denyOutboundEncryptedConnection: banned,
    };
  }

  /** Adds ban score; past the threshold the peer is banned and disconnected. */
  misbehaving(peerId: string, points: number, reason: string): void {
    if (points <= 0 || this.bans.isBanned(peerId)) return;
    const { score, ban } = this.modules.scores.add(peerId, points);
    this.modules.logger.warn({ peer: peerId, points, score, reason }, 'peer misbehaved');
    if (ban) this.ban(peerId, this.banSeconds, reason);
  }

  /** Applies a verdict: bugs are logged loudly and never punished; orphans make us sync from the sender. */
  judged(peer: PeerId, verdict: Verdict): void {
    if (verdict.bug !== undefined) {
      this.modules.logger.error({ peer: peer.toString(), err: verdict.bug }, 'unexpected error validating data from a peer');
      return;
    }
    if (verdict.penalty > 0) this.misbehaving(peer.toString(), verdict.penalty, verdict.reason);
    if (verdict.missing !== undefined) this.modules.syncFrom(peer, `orphan block, missing ${verdict.missing}`);
  }

  /** An inbound loopback peer's address key is known once it says where it listens; a banned address is dropped. */
  identified(result: IdentifyResult, connection: Connection | undefined): void {
    const { addressBans } = this;
    const { logger } = this.modules;
    const id = result.peerId.toString();
    if (!connection || !addressBans.identified(id, connection.remoteAddr, result.listenAddrs)) return;
    logger.info({ peer: id, address: addressBans.keyOf(id) }, 'peer at a banned address; disconnecting');
    this.modules.hangUp(id);
  }

  /** Every GRAYLIST_WATCH_MS, bans the peers gossipsub stopped listening to after invalid data. */
  watchGraylist(pubsub: GossipSub, peers: () => string[]): void {
    this.graylistTimer = setInterval(() => this.banGraylisted(pubsub, peers()), GRAYLIST_WATCH_MS);
    this.graylistTimer.unref();
  }

  stop(): void {
    clearInterval(this.graylistTimer);
  }

  private banAddress(address: string, seconds: number, reason: string): BanEntry {
    const entry = this.bans.banAddress(address, seconds, reason);
    this.addressBanned(entry);
    return entry;
  }

  /** Hangs up on every peer at a newly banned address. */
  private addressBanned(entry: BanEntry): void {
    this.modules.logger.warn({ address: entry.target, reason: entry.reason, until: new Date(entry.until).toISOString() }, 'address banned');
    this.modules.banned({ id: entry.target, until: entry.until, reason: entry.reason });
    for (const peer of this.addressBans.peersAt(entry.target)) this.modules.hangUp(peer);
  }

  /** Peers gossipsub stopped listening to after invalid data: banned, so they lose their slot. */
  private banGraylisted(pubsub: GossipSub, peers: string[]): void {
    const { bans } = this;
    const { scores } = this.modules;
    for (const id of graylistedOffenders(pubsub, peers, (peer) => scores.get(peer))) {
      if (!bans.isBanned(id)) this.ban(id, this.banSeconds, `gossip graylisted it after invalid messages (ban score ${scores.get(id)})`);
    }
  }
}
