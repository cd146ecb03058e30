/**
 * The optional transaction index (`--txindex`): each main-chain block's txids point at it.
 * Following the chain, catching up and stepping back off forks are ChainIndexer's.
 */
import { hashToHex, hexToHash } from '../primitives/bytes.js';
import type { TxIndexStore } from '../store/tx-index-store.js';
import type { Logger } from '../util/logger.js';
import { ChainIndexer, type IndexedChain, type IndexedEntry } from './chain-indexer.js';

export class TxIndexer extends ChainIndexer {
  constructor(
    private readonly store: TxIndexStore,
    chain: IndexedChain,
    logger?: Logger,
  ) {
    super('transaction index', store, chain, logger);
  }

  /** Display hash of the main-chain block holding `txid` (display hex), if the index has it. */
  async blockOf(txid: string): Promise<string | undefined> {
    const stored = await this.store.blockOf(hexToHash(txid));
    if (!stored) return undefined;
    const entry = this.chain.getEntry(hashToHex(stored));
    // Entries of a block that left the main chain are removed by the next pass; until then, not found.
    return entry && this.chain.getEntryAtHeight(entry.height) === entry ? entry.hash : undefined;
  }

  protected async addBlock(entry: IndexedEntry): Promise<boolean> {
    const block = await this.chain.getBlock(entry.hash);
    if (!block) {
      this.logger.warn({ height: entry.height, hash: entry.hash }, 'transaction index: block body not available; waiting for it');
      return false;
    }
    // Genesis transactions are not indexed (Core's neither).
    const txids = entry.height === 0 ? [] : block.txs.map((tx) => tx.txidBytes());
    await this.store.apply({ txids, blockHash: hexToHash(entry.hash), remove: false, best: { hash: hexToHash(entry.hash), height: entry.height } });
    return true;
  }

  protected async undoBlock(entry: IndexedEntry, parent: IndexedEntry): Promise<void> {
    const block = await this.chain.getBlock(entry.hash);
    const txids = block ? block.txs.map((tx) => tx.txidBytes()) : [];
    await this.store.apply({ txids, blockHash: hexToHash(entry.hash), remove: true, best: { hash: hexToHash(parent.hash), height: parent.height } });
  }
}
