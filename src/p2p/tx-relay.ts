/**
 * Tx relay beyond gossip: pushing txs over txs/1 to every peer that told us its status and
 * takes txs, and mempool reconciliation (mempool/1, see mempool-sync.ts) as the dialler of each
 * tx-relaying connection. Block-relay-only peers and feelers get neither.
 */
import type { Connection, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { P2PMempool } from './interfaces.js';
import { MempoolSync, type ReconcileStats } from './mempool-sync.js';
import type { PeerTable } from './peer-table.js';
import type { ProtocolContext } from './protocols/context.js';
import { serveMempool } from './protocols/mempool.js';
import { pushTxs } from './protocols/txs.js';
import type { Logger } from '../util/logger.js';

export interface TxRelayModules {
  context: ProtocolContext;
  mempool: P2PMempool;
  logger: Logger;
  table: PeerTable;
  /** Whether txs may go to a peer (not a block-relay-only peer or a feeler). */
  relaysTxs(id: string): boolean;
  /** The open connections to a peer (none once the node stops). */
  connections(peer: PeerId): Connection[];
  /** Feeds txs a peer sent to the mempool, judging them; resolves to how many were accepted. */
  accept(peer: PeerId, txs: Uint8Array[]): Promise<number>;
}

export class TxRelay {
  private readonly sync: MempoolSync;

  constructor(
    private readonly modules: TxRelayModules,
    mempoolSyncMs: number,
  ) {
    const { context, mempool, logger, accept } = modules;
    const peers = (): PeerId[] => modules.table.ids().filter((id) => this.reconcilesWith(id)).map((id) => peerIdFromString(id));
    this.sync = new MempoolSync({ context, mempool, logger, accept, peers }, mempoolSyncMs);
  }

  /** Serves mempool/1 when reconciliation is on. */
  async serve(): Promise<void> {
    if (this.sync.enabled) await serveMempool(this.modules.context, () => this.modules.mempool.entries());
  }

  start(): void {
    this.sync.start();
  }

  stop(): void {
    this.sync.stop();
  }

  /** A peer's first status: the dialler reconciles mempools, so each connection does it once. */
  statusHeard(peer: PeerId): void {
    if (this.sync.enabled && this.reconcilesWith(peer.toString())) this.sync.reconcileSoon(peer, true);
  }

  /** Reconciles mempools with a connected peer now; resolves to what moved. */
  reconcile(peer: PeerId): Promise<ReconcileStats> {
    return this.sync.reconcile(peer);
  }

  /** Hands `txs` to every peer that told us its status (a failure with one peer is only logged). */
  async push(txs: Uint8Array[]): Promise<void> {
    const { table, context, logger } = this.modules;
    const peers = table.ids().filter((id) => table.get(id)?.status !== undefined && this.modules.relaysTxs(id));
    await Promise.all(
      peers.map(async (id) => {
        try {
          const accepted = await pushTxs(context, peerIdFromString(id), txs);
          logger.debug({ peer: id, txs: txs.length, accepted }, 'pushed txs');
        } catch (err) {
          logger.debug({ peer: id, err: String(err) }, 'could not push txs');
        }
      }),
    );
  }

  /** The dialler of a tx-relaying connection reconciles mempools (block-relay-only peers and feelers get no txs). */
  private reconcilesWith(id: string): boolean {
    if (this.modules.table.get(id)?.status === undefined || !this.modules.relaysTxs(id)) return false;
    return this.modules.connections(peerIdFromString(id)).some((connection) => connection.direction === 'outbound');
  }
}
