import { checkBlockHeader } from '../consensus/header-checks.js';
import { blockProof } from '../consensus/pow.js';
import type { NetworkParams } from '../params/types.js';
import { Block } from '../primitives/block.js';
import { fromHex, hashToHex } from '../primitives/bytes.js';
import type { ChainStore } from '../store/chain-store.js';
import { StoreError } from '../store/errors.js';
import type { BlockIndexRecord } from '../store/layout.js';
import { BlockIndexEntry, BlockStatus } from './block-index.js';
import { BlockTree } from './block-tree.js';
import { indexRecord } from './connect.js';

/**
 * Rebuilds the in-memory block tree from the stored index: parents before children, the active
 * chain from the stored tip back to genesis, every block with data as a candidate tip.
 */
export async function loadBlockTree(store: ChainStore): Promise<BlockTree> {
  const records = await store.loadBlockIndex();
  records.sort((a, b) => a.height - b.height);
  const tree = new BlockTree();
  // One division per difficulty, not per block: a chain has few distinct bits values.
  const proofs = new Map<number, bigint>();
  const entries = records.map((record, sequence) => {
    const entry = restoreEntry(tree, record, sequence, proofs);
    tree.restore(entry);
    return entry;
  });
  const tipHash = await store.getTip();
  if (!tipHash) {
    if (records.length > 0) throw new StoreError('corrupt', 'the block index has entries but no tip is recorded');
    return tree;
  }
  const tip = tree.get(hashToHex(tipHash));
  if (!tip) throw new StoreError('corrupt', `the recorded tip ${hashToHex(tipHash)} is not in the block index`);
  for (const entry of activeChain(tip)) tree.pushTip(entry);
  // Blocks with less work than the tip can never become it (the chain would prune them at once).
  for (const entry of entries) if (entry.chainwork >= tip.chainwork) tree.addCandidate(entry);
  return tree;
}

/** Genesis to `tip`, by one walk down the parent links. */
function activeChain(tip: BlockIndexEntry): BlockIndexEntry[] {
  const chain = new Array<BlockIndexEntry>(tip.height + 1);
  for (let entry: BlockIndexEntry | undefined = tip; entry; entry = entry.parent) chain[entry.height] = entry;
  return chain;
}

function restoreEntry(tree: BlockTree, record: BlockIndexRecord, sequence: number, proofs: Map<number, bigint>): BlockIndexEntry {
  const parent = record.height === 0 ? undefined : tree.get(record.header.prevHashHex());
  if (record.height > 0 && !parent) throw new StoreError('corrupt', `block ${hashToHex(record.hash)} at height ${record.height} has no stored parent`);
  const { bits } = record.header;
  let proof = proofs.get(bits);
  if (proof === undefined) proofs.set(bits, (proof = blockProof(bits)));
  const entry = new BlockIndexEntry(record.header, parent, proof, record.status, sequence);
  // The entry's hash is the key it was stored under (decodeBlockIndex never re-hashes): height and work are what can disagree.
  if (entry.chainwork !== record.chainwork || entry.height !== record.height) {
    throw new StoreError('corrupt', `block index entry ${entry.hash} does not match its height or chainwork`);
  }
  entry.txCount = record.txCount;
  return entry;
}

/** A new store's first write: the genesis block as the tip of an empty tree. */
export async function writeGenesis(tree: BlockTree, store: ChainStore, params: NetworkParams): Promise<void> {
  const block = Block.decode(fromHex(params.genesisBlock));
  checkBlockHeader(block.header, params);
  const status = BlockStatus.HEADER_VALID | BlockStatus.HAVE_DATA | BlockStatus.VALIDATED;
  const entry = tree.insert(block.header, undefined, blockProof(block.header.bits), status);
  entry.txCount = block.txs.length;
  // Like Bitcoin's, the genesis coinbase is never added to the UTXO set.
  await store.batch().putBlock(entry.hashBytes, block).putBlockIndex(indexRecord(entry, entry.txCount)).putHeight(0, entry.hashBytes).setTip(entry.hashBytes).write();
  tree.pushTip(entry);
}
