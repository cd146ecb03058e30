/**
 * The basic block filter index (`--blockfilterindex`, Core's -blockfilterindex=basic). Each
 * block's BIP158 filter needs the scripts its inputs spent, read from the block's undo data; its
 * BIP157 header chains onto the parent's. Records are by hash, so off a fork only the best block
 * steps back. Following the chain is ChainIndexer's.
 */
import { basicFilterElements, buildGcsFilter, filterHeader } from '../primitives/block-filter.js';
import { ZERO_HASH, hexToHash } from '../primitives/bytes.js';
import type { Coin } from '../primitives/coin.js';
import type { FilterIndexStore, FilterRecord } from '../store/filter-index-store.js';
import type { Logger } from '../util/logger.js';
import { ChainIndexer, type IndexedChain, type IndexedEntry } from './chain-indexer.js';

/** What the indexer needs of the chain (Chain satisfies it): the indexers' view and undo data. */
export interface FilterIndexChain extends IndexedChain {
  readonly store: { getUndo(hash: Uint8Array): Promise<Coin[] | undefined> };
}

export class FilterIndexer extends ChainIndexer<FilterIndexChain> {
  constructor(
    private readonly store: FilterIndexStore,
    chain: FilterIndexChain,
    logger?: Logger,
  ) {
    super('block filter index', store, chain, logger);
  }

  /** The filter and header of a block (display hash), if indexed. */
  async filter(hash: string): Promise<FilterRecord | undefined> {
    return this.store.get(hexToHash(hash));
  }

  protected async addBlock(entry: IndexedEntry): Promise<boolean> {
    const hash = hexToHash(entry.hash);
    const block = await this.chain.getBlock(entry.hash);
    // Genesis spends nothing and has no undo data; every other connected block has its own.
    const spent = entry.height === 0 ? [] : await this.chain.store.getUndo(hash);
    const previous = entry.parent ? await this.store.get(hexToHash(entry.parent.hash)) : undefined;
    if (!block || !spent || (entry.parent && !previous)) {
      this.logger.warn({ height: entry.height, hash: entry.hash }, 'block filter index: block, undo data or parent filter not available; waiting');
      return false;
    }
    const outputs = block.txs.flatMap((tx) => tx.outputs.map((out) => out.script));
    const filter = buildGcsFilter(hash, basicFilterElements(outputs, spent.map((coin) => coin.script)));
    const header = filterHeader(filter, previous?.header ?? ZERO_HASH);
    await this.store.apply({ hash, value: { header, filter } }, { hash, height: entry.height });
    return true;
  }

  protected async undoBlock(_entry: IndexedEntry, parent: IndexedEntry): Promise<void> {
    await this.store.apply(undefined, { hash: hexToHash(parent.hash), height: parent.height });
  }
}
