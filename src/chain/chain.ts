import { checkBlock } from '../consensus/block-checks.js';
import { checkBlockContext } from '../consensus/block-context.js';
import { getNextWorkRequired } from '../consensus/difficulty.js';
import { RuleError, isRuleError } from '../consensus/errors.js';
import { checkBlockHeader, checkHeaderContext, unixNow } from '../consensus/header-checks.js';
import { medianTimePast } from '../consensus/median-time.js';
import { blockProof } from '../consensus/pow.js';
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { ChainStore } from '../store/chain-store.js';
import type { UtxoStats } from '../store/utxo-stats.js';
import { BlockStatus, type BlockIndexEntry } from './block-index.js';
import { ChainActivation } from './activation.js';
import type { BlockTree } from './block-tree.js';
import { ChainFlusher } from './chain-flusher.js';
import { checkStoredTip } from './damaged-store.js';
import { InitialDownload, verificationProgress } from './download-state.js';
import { DEFAULT_FLUSH_POLICY, type FlushPolicyOptions } from './flush-policy.js';
import { PendingBodies } from './pending-bodies.js';
import { indexRecord } from './connect.js';
import type { ChainEvents } from './events.js';
import { acceptHeaders, anchorAt, antiDosWorkThreshold, type HeadersOutcome } from './header-tree.js';
import type { SegmentAnchor } from '../consensus/header-chain.js';
import type { BlockHeader } from '../primitives/header.js';
import { type Logger, silentLogger } from '../util/logger.js';
import { loadBlockTree, writeGenesis } from './load-tree.js';
import { DEFAULT_ORPHAN_POOL, OrphanPool, type OrphanPoolOptions } from './orphan-pool.js';
import { ScriptCache } from '../verify/script-cache.js';
import { SignatureCache } from '../verify/sig-cache.js';
import type { SignatureVerifier } from '../verify/sig-verifier.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { type VerifyChainResult, type VerifyLevel, verifyChain } from './verify-chain.js';
import { SerialQueue } from '../util/serial-queue.js';
import { resumeSnapshotInstall } from './snapshot-install.js';
import { loadSnapshotFile, type SnapshotLoadResult } from './snapshot-load.js';
import { hashToHex } from '../primitives/bytes.js';

export interface ChainOptions {
  orphans: OrphanPoolOptions;
  signatureCacheSize: number;
  /** Wtxids remembered by the script execution cache. */
  scriptCacheSize: number;
  /** Overrides the network's minimumChainWork (Core's -minimumchainwork); undefined: the network's. */
  minimumChainWork?: bigint;
  /** When the coin cache (the store's write-back cache) is written to disk. */
  flush: FlushPolicyOptions;
  /** --assumevalid: hash (display hex) whose ancestors' scripts go unchecked, as Core; none when undefined. */
  assumeValid?: string;
  /** Core's -checkblocks: top blocks re-checked at open (level 3); 0 skips. */
  checkBlocks: number;
}

export const DEFAULT_CHAIN_OPTIONS: ChainOptions = { orphans: DEFAULT_ORPHAN_POOL, signatureCacheSize: 200_000, scriptCacheSize: 100_000, flush: DEFAULT_FLUSH_POLICY, checkBlocks: 6 };

export interface ChainModules {
  store: ChainStore;
  params: NetworkParams;
  verifier: SignatureVerifier;
  logger?: Logger;
  /** Shared with the mempool, so a signature checked on entry is not checked again in a block. */
  sigCache?: SignatureCache;
  /** Shared with the mempool likewise: a tx whose scripts all passed on entry skips them in a block. */
  scriptCache?: ScriptCache;
  /** Seconds since the epoch; injectable so tests can move the clock. */
  now?: () => number;
}

/**
 * - `connected`: the block is now on the main chain (possibly after a reorg).
 * - `side-chain`: stored and valid as far as checked, on a fork with no more work than the tip.
 * - `orphan`: its parent is unknown; held until the parent arrives (`missing` names what to fetch).
 * - `duplicate`: already known.
 */
export type ProcessStatus = 'connected' | 'side-chain' | 'orphan' | 'duplicate';

export interface ProcessResult {
  hash: string;
  status: ProcessStatus;
  missing?: string;
}

/**
 * The chain state: which blocks exist, which fork has the most work, and the UTXO set of its tip.
 * Every block, from any source, enters through processBlock and one queue, so chain changes
 * never interleave.
 */
export class Chain extends TypedEmitter<ChainEvents> {
  private readonly orphans: OrphanPool;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly queue = new SerialQueue();
  /** Bodies being written while their blocks are validated. */
  private readonly pendingBodies = new PendingBodies();
  private readonly initialDownload: InitialDownload;
  /** Below this a header chain is not stored, and the node is in initial block download. */
  readonly minimumChainWork: bigint;
  private readonly flusher: ChainFlusher;
  private readonly activation: ChainActivation;
  /** The next sequence preciousblock hands out: below every first-seen one and every earlier precious block. */
  private nextPrecious = -1;
  /** The coin caches' sizes (getchainstates): LevelDB's block cache and the write-back cache's flush limit. */
  readonly coinsCacheBytes: { db: number; tip: number };
  /** Base block of the UTXO snapshot the chain state was loaded from (loadtxoutset); blocks up to it are not validated here. */
  private snapshotBaseEntry: BlockIndexEntry | undefined;

  private constructor(
    readonly tree: BlockTree,
    readonly store: ChainStore,
    readonly params: NetworkParams,
    readonly sigCache: SignatureCache,
    readonly scriptCache: ScriptCache,
    options: ChainOptions,
    modules: ChainModules,
  ) {
    super();
    this.orphans = new OrphanPool(options.orphans);
    this.logger = modules.logger ?? silentLogger;
    this.now = modules.now ?? unixNow;
    this.minimumChainWork = options.minimumChainWork ?? params.minimumChainWork;
    this.initialDownload = new InitialDownload(this.minimumChainWork, params.maxTipAge, this.logger);
    const flushModules = { store, logger: this.logger, now: this.now, tip: () => this.tip, queueFlush: () => this.flush() };
    this.flusher = new ChainFlusher(options.flush, flushModules);
    this.coinsCacheBytes = { db: store.cacheBytes, tip: options.flush.maxBytes ?? DEFAULT_FLUSH_POLICY.maxBytes };
    this.activation = new ChainActivation({
      tree,
      store,
      params,
      logger: this.logger,
      connect: { store, params, verifier: modules.verifier, sigCache, scriptCache },
      pendingBodies: this.pendingBodies,
      flusher: this.flusher,
      assumeValid: options.assumeValid,
      snapshotBase: () => this.snapshotBaseEntry,
      emit: (event, ...args) => this.emit(event, ...args),
    });
  }

  /** Loads the block tree, writes genesis into a new store, and finishes any interrupted reorg. */
  static async open(options: Partial<ChainOptions>, modules: ChainModules): Promise<Chain> {
    const settings = { ...DEFAULT_CHAIN_OPTIONS, ...options };
    const tree = await loadBlockTree(modules.store);
    const sigCache = modules.sigCache ?? new SignatureCache(settings.signatureCacheSize);
    const scriptCache = modules.scriptCache ?? new ScriptCache(settings.scriptCacheSize);
    const chain = new Chain(tree, modules.store, modules.params, sigCache, scriptCache, settings, modules);
    if (tree.size === 0) await writeGenesis(tree, modules.store, modules.params);
    else {
      await resumeSnapshotInstall({ tree, store: modules.store, logger: chain.logger });
      const base = await modules.store.getSnapshotBase();
      chain.snapshotBaseEntry = base && tree.get(hashToHex(base));
      await checkStoredTip(tree, modules.store, modules.params, settings.checkBlocks, chain.logger, chain.snapshotBaseEntry?.height);
    }
    // After a crash this replays every block stored above the last flushed tip.
    const stored = tree.bestCandidate();
    if (stored && stored.chainwork > tree.tip.chainwork) {
      chain.logger.info({ tip: tree.tip.height, stored: stored.height }, 'connecting the blocks stored above the flushed tip');
    }
    await chain.enqueue(() => chain.activation.activateBestChain());
    return chain;
  }

  /** Base block of the loaded UTXO snapshot (getchainstates' snapshot_blockhash), if one was loaded. */
  get snapshotBase(): BlockIndexEntry | undefined {
    return this.snapshotBaseEntry;
  }

  /**
   * Core's loadtxoutset: installs the UTXO snapshot at `path` (see snapshot-load.ts), whose base
   * becomes the tip; the blocks after it then connect as usual. Throws SnapshotLoadError.
   */
  loadSnapshot(path: string, mempoolSize: () => number = () => 0): Promise<SnapshotLoadResult> {
    return this.enqueue(async () => {
      const oldTip = this.tip;
      const modules = { tree: this.tree, store: this.store, params: this.params, logger: this.logger, snapshotBase: this.snapshotBaseEntry, mempoolSize };
      const result = await loadSnapshotFile(path, modules);
      this.snapshotBaseEntry = result.base;
      // Blocks after the base that arrived while it was still a header can connect now.
      for (const waiting of this.tree.descendantsWithData(result.base)) this.tree.addCandidate(waiting);
      this.emit('tipChanged', { tip: this.tip, previous: oldTip });
      await this.activation.activateBestChain();
      return result;
    });
  }

  get tip(): BlockIndexEntry {
    return this.tree.tip;
  }

  get height(): number {
    return this.tree.height;
  }

  /** The chain's clock (seconds since the epoch), as header time checks use it. */
  time(): number {
    return this.now();
  }

  /** The most-work valid header we know (its body may not be here yet); at least the tip. */
  get bestHeader(): BlockIndexEntry {
    return this.tree.bestHeader;
  }

  /** Block locator from `hash` (default: the best header), for asking a peer for what follows. */
  locator(hash?: string): string[] {
    const from = (hash !== undefined ? this.tree.get(hash) : undefined) ?? this.tree.bestHeader;
    return this.tree.locator(from);
  }

  /** What the header rules need to check headers building on `hash` (undefined: unknown). */
  headerAnchor(hash: string): SegmentAnchor | undefined {
    const parent = this.tree.get(hash);
    return parent && anchorAt(parent, this.params);
  }

  /** Least work a peer's header chain must have before we store it (see header-tree.ts). */
  antiDosWorkThreshold(): bigint {
    return antiDosWorkThreshold(this.tip, this.minimumChainWork);
  }

  /** Core's IsInitialBlockDownload (see download-state.ts); once false, false for good. */
  isInitialBlockDownload(): boolean {
    return this.initialDownload.check(this.tip, this.now);
  }

  /** How far validation has come, from 0 to 1 (see download-state.ts). */
  verificationProgress(): number {
    return verificationProgress(this.tip, this.bestHeader, this.minimumChainWork);
  }

  /**
   * Checks a run of headers in context (see header-tree.ts) and stores the new ones as
   * header-only entries; their blocks can then be fetched. Throws RuleError, storing nothing,
   * when a header breaks a rule. Whether the run has enough work is the caller's question.
   */
  processHeaders(headers: readonly BlockHeader[]): Promise<HeadersOutcome | undefined> {
    return this.enqueue(() => acceptHeaders(headers, this.tree, this.store, this.params, this.now()));
  }

  getEntry(hash: string): BlockIndexEntry | undefined {
    return this.tree.get(hash);
  }

  getEntryAtHeight(height: number): BlockIndexEntry | undefined {
    return this.tree.atHeight(height);
  }

  /** The stored body; undefined when we lack it or it cannot be read (then it is logged and marked lost). */
  async getBlock(hash: string): Promise<Block | undefined> {
    const entry = this.tree.get(hash);
    return entry ? this.activation.readBlock(entry) : undefined;
  }

  /** Main-chain and candidate blocks whose stored bodies were lost: fetch them again from peers. */
  lostBlocks(): BlockIndexEntry[] {
    return this.tree.lostEntries();
  }

  getCoin(outpoint: OutPoint): Promise<Coin | undefined> {
    return this.store.getCoin(outpoint);
  }

  /** The bits a block on top of the tip must carry. */
  nextBits(): number {
    return getNextWorkRequired(this.tip, this.params);
  }

  medianTimePast(entry: BlockIndexEntry = this.tip): number {
    return medianTimePast(entry);
  }

  /** gettxoutsetinfo's figures, from one consistent snapshot of the UTXO set. */
  utxoStats(): Promise<UtxoStats> {
    return this.store.utxoStats();
  }

  /** Re-checks the top `depth` blocks (0: all) at Core's verifychain `level`; queued, so it sees a still chain. */
  verifyChain(depth = 6, level: VerifyLevel = 3): Promise<VerifyChainResult> {
    return this.enqueue(() => verifyChain(this.tree, this.store, this.params, depth, level, this.snapshotBaseEntry?.height));
  }

  hasOrphan(hash: string): boolean {
    return this.orphans.has(hash);
  }

  /**
   * Validates and stores a block, connects it if it makes the most-work chain, and processes any
   * orphans it unblocks. Throws RuleError when the block (or the fork it completes) is invalid.
   */
  processBlock(block: Block): Promise<ProcessResult> {
    return this.enqueue(() => this.processOne(block));
  }

  /**
   * Core's preciousblock: the block is treated as if it had been seen before any other of equal
   * work, so the chain moves to it now if its work equals the tip's; the latest call wins. Not
   * kept across restarts, as in Core. False when the block is unknown.
   */
  preciousBlock(hash: string): Promise<boolean> {
    return this.enqueue(async () => {
      const entry = this.tree.get(hash);
      if (!entry) return false;
      if (entry.chainwork < this.tip.chainwork) return true;
      entry.sequence = this.nextPrecious--;
      this.tree.addCandidate(entry);
      await this.activation.activateBestChain();
      return true;
    });
  }

  /** Writes the coin cache to disk now (clean stop, tests, benchmarks). */
  flush(): Promise<void> {
    return this.enqueue(() => this.flusher.flush());
  }

  /** Waits for queued work to finish and flushes the coin cache; the store stays open (its owner closes it). */
  async close(): Promise<void> {
    await this.queue.settled();
    this.flusher.cancelDelayed();
    if (this.store.isOpen) await this.flush();
  }

  protected override listenerFailed(event: string, err: unknown): void {
    this.logger.error({ event, err }, 'a chain event listener threw');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  private async processOne(block: Block): Promise<ProcessResult> {
    const result = await this.acceptBlock(block);
    if (result.status === 'connected' || result.status === 'side-chain') await this.processOrphansOf(result.hash);
    return result;
  }

  private async acceptBlock(block: Block): Promise<ProcessResult> {
    const hash = block.hash();
    const known = this.tree.get(hash);
    if (known?.isFailed()) throw new RuleError('duplicate-invalid', `block ${hash} is known to be invalid`);
    // Only these very bytes are a duplicate orphan: another copy may carry the witnesses a forged one lacks.
    if (known?.has(BlockStatus.HAVE_DATA) || this.orphans.holds(block)) return { hash, status: 'duplicate' };
    // Proof of work first: it is the one check that costs an attacker, and needs no lookup.
    checkBlockHeader(block.header, this.params);
    const parent = this.tree.get(block.header.prevHashHex());
    if (!parent) return this.holdOrphan(block);
    if (parent.isFailed()) throw new RuleError('bad-prevblk', `block ${hash} builds on invalid block ${parent.hash}`);
    // Its parent is only a header so far: kept with the orphans until the parent's body connects.
    // A snapshot's base has no body but is connected: its state is the snapshot's.
    if (!parent.haveData && parent !== this.snapshotBaseEntry) return this.holdOrphan(block);
    const entry = await this.storeBlock(block, parent, known);
    const tipBefore = this.tip;
    let failure: RuleError | undefined;
    try {
      failure = await this.activation.activateBestChain();
    } finally {
      await this.pendingBodies.settle(entry.hash);
    }
    if (entry.isFailed() && failure) throw failure;
    const status: ProcessStatus = this.tree.contains(entry) ? 'connected' : 'side-chain';
    if (status === 'side-chain' && this.tip === tipBefore) this.logger.info({ hash, height: entry.height }, 'side-chain block stored');
    return { hash, status };
  }

  private holdOrphan(block: Block): ProcessResult {
    // Context-free checks keep garbage (bad merkle root, oversized) out of the orphan pool.
    checkBlock(block, this.params);
    this.orphans.add(block, block.size());
    const hash = block.hash();
    return { hash, status: 'orphan', missing: this.orphans.rootOf(hash) };
  }

  private async processOrphansOf(parentHash: string): Promise<void> {
    const waiting = [parentHash];
    while (waiting.length > 0) {
      for (const orphan of this.orphans.takeChildren(waiting.pop()!)) {
        try {
          const result = await this.acceptBlock(orphan);
          waiting.push(result.hash);
        } catch (err) {
          if (!isRuleError(err)) throw err;
          this.logger.info({ hash: orphan.hash(), code: err.code }, 'orphan block rejected');
        }
      }
    }
  }

  /**
   * Header and body checks that need the parent, then one batch storing the body and index
   * entry. `known` is an entry that lost its body (or has only a header): it gets the body back.
   */
  private async storeBlock(block: Block, parent: BlockIndexEntry, known?: BlockIndexEntry): Promise<BlockIndexEntry> {
    try {
      checkHeaderContext(block.header, parent, this.params, this.now());
      checkBlock(block, this.params);
      checkBlockContext(block, { height: parent.height + 1, medianTimePast: medianTimePast(parent) }, this.params);
    } catch (err) {
      // A block that may be a mutated copy (MAY_BE_MUTATED) is refused but never remembered:
      // the real block under the same header must still be accepted when it comes.
      if (isRuleError(err) && err.action === 'reject' && !err.corruptionPossible) {
        if (known) await this.activation.invalidate(known, err);
        else await this.recordInvalidHeader(block, parent, err);
      }
      throw err;
    }
    // A header-only entry (from processHeaders) has no tx count yet; a lost one had a body before.
    const lost = known !== undefined && known.txCount > 0;
    const entry = known ?? this.tree.insert(block.header, parent, blockProof(block.header.bits), BlockStatus.HEADER_VALID);
    entry.status |= BlockStatus.HEADER_VALID | BlockStatus.HAVE_DATA;
    entry.txCount = block.txs.length;
    // Straight to disk, not the cache: a crash replays from the flushed tip using these bodies.
    // Awaited before any chain state names the block (ChainActivation.connectOne) and before processBlock ends.
    const written = this.store.batch().putBlock(entry.hashBytes, block).putBlockIndex(indexRecord(entry, entry.txCount)).write();
    this.pendingBodies.add(entry.hash, block, written);
    if (lost) {
      this.logger.info({ hash: entry.hash, height: entry.height }, 'lost block stored again');
      // Its descendants could not become the tip without it; now they can.
      for (const waiting of this.tree.descendantsWithData(entry)) this.tree.addCandidate(waiting);
    }
    if (!this.tree.contains(entry)) this.tree.addCandidate(entry);
    return entry;
  }

  /** Remembers an invalid block so it is refused at once next time, without storing its body. */
  private async recordInvalidHeader(block: Block, parent: BlockIndexEntry, err: RuleError): Promise<void> {
    const entry = this.tree.insert(block.header, parent, blockProof(block.header.bits), BlockStatus.FAILED);
    await this.store.batch().putBlockIndex(indexRecord(entry, 0)).write();
    this.logger.info({ hash: entry.hash, height: entry.height, code: err.code }, 'invalid block');
  }
}
