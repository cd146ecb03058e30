/**
 * Core's loadtxoutset (assumeutxo): checks a snapshot's base block against the network's
 * assumeutxo table and the headers we know, stages its coins, compares their
 * hash_serialized_3 with the table's, and installs them (snapshot-install.ts). The node then
 * connects the blocks after the base as usual. Refusals carry Core's texts.
 *
 * Not done (see docs/chain.md): Core's background chainstate, which downloads and validates the
 * blocks up to the base and compares its UTXO hash at the end. Here the snapshot chainstate
 * replaces the old one and stays unvalidated below its base.
 */
import { open } from 'node:fs/promises';
import type { AssumeutxoEntry, NetworkParams } from '../params/types.js';
import { hashToHex, hexToHash } from '../primitives/bytes.js';
import type { ChainStore } from '../store/chain-store.js';
import { Prefix } from '../store/layout.js';
import type { Logger } from '../util/logger.js';
import type { BlockIndexEntry } from './block-index.js';
import type { BlockTree } from './block-tree.js';
import { installStagedSnapshot } from './snapshot-install.js';
import { readMetadata, SnapshotFileError, SnapshotReader } from './snapshot-reader.js';

/** Coins written per staging batch. */
const STAGE_BATCH = 10_000;

/**
 * Why a snapshot was not loaded. `open`: the file cannot be read; `metadata`: its header is not
 * a snapshot for this network (Core: "Unable to parse metadata"); `activation`: Core's
 * "Unable to load UTXO snapshot" cases.
 */
export class SnapshotLoadError extends Error {
  constructor(
    readonly code: 'open' | 'metadata' | 'activation',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotLoadError';
  }
}

export interface SnapshotLoadModules {
  tree: BlockTree;
  store: ChainStore;
  params: NetworkParams;
  logger: Logger;
  /** The base of a snapshot loaded before, if any. */
  snapshotBase: BlockIndexEntry | undefined;
  /** Transactions in the mempool: Core activates a snapshot only with an empty one. */
  mempoolSize: () => number;
}

export interface SnapshotLoadResult {
  coinsLoaded: number;
  base: BlockIndexEntry;
}

const refuse = (message: string): SnapshotLoadError => new SnapshotLoadError('activation', message);

/** The network's assumeutxo entry for a base block, as [height, entry]. */
function assumeutxoFor(params: NetworkParams, hash: string): [number, AssumeutxoEntry] | undefined {
  for (const [height, entry] of Object.entries(params.assumeutxo)) if (entry.blockHash === hash) return [Number(height), entry];
  return undefined;
}

/** Core's ActivateSnapshot checks, before any coin is read. */
function checkBase(baseHash: string, { tree, params, snapshotBase, mempoolSize }: SnapshotLoadModules): { base: BlockIndexEntry; expected: AssumeutxoEntry } {
  if (snapshotBase) throw refuse("Can't activate a snapshot-based chainstate more than once");
  const found = assumeutxoFor(params, baseHash);
  if (!found) {
    const heights = Object.keys(params.assumeutxo).join(', ');
    throw refuse(`assumeutxo block hash in snapshot metadata not recognized (hash: ${baseHash}). The following snapshot heights are available: ${heights}`);
  }
  const base = tree.get(baseHash);
  if (!base) throw refuse(`The base block header (${baseHash}) must appear in the headers chain. Make sure all headers are syncing, and call loadtxoutset again`);
  if (base.isFailed()) throw refuse(`The base block header (${baseHash}) is part of an invalid chain`);
  if (base.height !== found[0]) throw refuse(`assumeutxo height in snapshot metadata not recognized (${base.height}) - refusing to load snapshot`);
  if (tree.bestHeader.ancestorEntry(base.height) !== base) {
    throw refuse('A forked headers-chain with more work than the chain with the snapshot base block header exists. Please proceed to sync without AssumeUtxo.');
  }
  if (mempoolSize() > 0) throw refuse("Can't activate a snapshot when mempool not empty");
  if (base.chainwork <= tree.tip.chainwork) throw refuse('work does not exceed active chainstate');
  return { base, expected: found[1] };
}

/** Loads the snapshot at `path`; the caller runs it in the chain's queue, with the mempool empty. */
export async function loadSnapshotFile(path: string, modules: SnapshotLoadModules): Promise<SnapshotLoadResult> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) throw new SnapshotLoadError('open', `Couldn't open file ${path} for reading.`);
  if (!(await file.stat()).isFile()) {
    await file.close();
    throw new SnapshotLoadError('open', `Couldn't open file ${path} for reading.`);
  }
  try {
    const reader = new SnapshotReader(file);
    // The network's identity in the place of Core's message start, as dumptxoutset writes it.
    const metadata = await readMetadata(reader, hexToHash(modules.params.genesisHash).subarray(0, 4)).catch((err: unknown) => {
      if (err instanceof SnapshotFileError) throw new SnapshotLoadError('metadata', err.message);
      throw err;
    });
    const { base, expected } = checkBase(metadata.baseHash, modules);
    modules.logger.info({ base: base.hash, height: base.height, coins: metadata.coinsCount }, 'loading a UTXO snapshot');
    await stageAndVerify(reader, metadata, base, expected, modules.store);
    await installStagedSnapshot(base, modules);
    return { coinsLoaded: metadata.coinsCount, base };
  } finally {
    await file.close();
  }
}

async function stageAndVerify(reader: SnapshotReader, metadata: { baseHash: string; coinsCount: number }, base: BlockIndexEntry, expected: AssumeutxoEntry, store: ChainStore): Promise<void> {
  await store.wipe([Prefix.STAGED_COIN]);
  try {
    let batch = store.batch();
    for await (const { outpoint, coin } of reader.coins(metadata, base.height)) {
      batch.stageCoin(outpoint, coin);
      if (batch.length >= STAGE_BATCH) {
        await batch.write();
        batch = store.batch();
      }
    }
    await batch.write();
    const stats = await store.stagedCoinStats();
    const got = hashToHex(stats.hash);
    if (got !== expected.txoutsetHash) throw refuse(`Population failed: Bad snapshot content hash: expected ${expected.txoutsetHash}, got ${got}.`);
  } catch (err) {
    await store.wipe([Prefix.STAGED_COIN]);
    if (err instanceof SnapshotFileError) throw refuse(`Population failed: ${err.message}`);
    throw err;
  }
}
