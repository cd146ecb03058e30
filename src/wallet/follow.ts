/**
 * Wiring the wallet to the node's events, as the node's composition root would: chain events
 * ask for a sync (and hand over the block body), mempool events report our unconfirmed txs.
 * Listeners only queue work; returns a function that stops following.
 */
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';
import type { WalletBlockEntry, WalletChain, WalletMempool, WalletMempoolEntry, WalletRemovalReason } from './interfaces.js';

export interface FollowHandlers {
  sync(): void;
  cacheBlock(hash: string, block: Block): void;
  accepted(tx: Transaction, txid: string): void;
  removed(txid: string, reason: WalletRemovalReason): void;
}

export function followNode(node: { chain: WalletChain; mempool: WalletMempool }, handlers: FollowHandlers): () => void {
  const { chain, mempool } = node;
  const onConnected = ({ entry, block }: { entry: WalletBlockEntry; block: Block }) => {
    handlers.cacheBlock(entry.hash, block);
    handlers.sync();
  };
  const onDisconnected = () => handlers.sync();
  const onAccepted = ({ entry }: { entry: WalletMempoolEntry }) => handlers.accepted(entry.tx, entry.txid);
  const onRemoved = ({ entry, reason }: { entry: WalletMempoolEntry; reason: WalletRemovalReason }) => handlers.removed(entry.txid, reason);
  chain.on('blockConnected', onConnected);
  chain.on('blockDisconnected', onDisconnected);
  mempool.on('txAccepted', onAccepted);
  mempool.on('txRemoved', onRemoved);
  return () => {
    chain.off('blockConnected', onConnected);
    chain.off('blockDisconnected', onDisconnected);
    mempool.off('txAccepted', onAccepted);
    mempool.off('txRemoved', onRemoved);
  };
}
