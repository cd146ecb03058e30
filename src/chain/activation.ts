/**
 * Moving the main chain to its best candidate (Core's ActivateBestChain): disconnect back to
 * the fork, connect the candidate's path block by block, mark a block that fails to connect
 * invalid with its descendants and try the next best, then announce the new tip once.
 * Runs inside the chain's queue; the chain lends it what it works on.
 */
import { isRuleError, type RuleError } from '../consensus/errors.js';
import type { ConnectedInputs } from '../consensus/block-inputs.js';
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import type { ChainStore } from '../store/chain-store.js';
import type { Logger } from '../util/logger.js';
import { assumedValid } from './assume-valid.js';
import { type BlockIndexEntry, findFork } from './block-index.js';
import type { BlockTree } from './block-tree.js';
import type { ChainFlusher } from './chain-flusher.js';
import { type ConnectModules, disconnectTip, indexRecord, validateConnection, writeConnection } from './connect.js';
import { ConnectProgress } from './connect-progress.js';
import { readStoredBlock } from './damaged-store.js';
import type { EmitChainEvent } from './events.js';
import type { PendingBodies } from './pending-bodies.js';

/** What activation works on, lent by the chain. */
export interface ActivationModules {
  tree: BlockTree;
  store: ChainStore;
  params: NetworkParams;
  logger: Logger;
  connect: ConnectModules;
  /** Bodies being written while their blocks are validated. */
  pendingBodies: PendingBodies;
  flusher: ChainFlusher;
  /** --assumevalid's hash, if any. */
  assumeValid: string | undefined;
  /** The loaded UTXO snapshot's base, read at each use (loadtxoutset sets it after the chain opens). */
  snapshotBase: () => BlockIndexEntry | undefined;
  emit: EmitChainEvent;
}

/** A path that stopped short: blocks connected before it did, and the rule broken, if one was. */
interface PathStop {
  connected: number;
  error?: RuleError;
}

export class ChainActivation {
  constructor(private readonly modules: ActivationModules) {}

  private get tip(): BlockIndexEntry {
    return this.modules.tree.tip;
  }

  /**
   * Moves the main chain to the most-work valid candidate, disconnecting and connecting as
   * needed. A block that fails to connect is marked invalid with its descendants and the search
   * starts again, so the chain always ends on the best valid tip. Returns the first failure.
   */
  async activateBestChain(): Promise<RuleError | undefined> {
    const { tree, flusher } = this.modules;
    const oldTip = this.tip;
    let disconnected = 0;
    let connected = 0;
    let firstFailure: RuleError | undefined;
    for (let best = tree.bestCandidate(); best && beats(best, this.tip); best = tree.bestCandidate()) {
      if (!this.extendsSnapshot(best)) continue;
      const fork = findFork(this.tip, best);
      while (this.tip !== fork) {
        await this.disconnectOne();
        disconnected++;
      }
      const stop = await this.connectPath(fork, best);
      connected += stop ? stop.connected : best.height - fork.height;
      firstFailure ??= stop?.error;
    }
    tree.pruneCandidates();
    if (this.tip !== oldTip) this.announceTipChange(oldTip, disconnected, connected);
    // After the announcement: the new tip is already in the cache every read sees, and a crash
    // before this write replays the block from its stored body (see docs/chain.md).
    await flusher.maybeFlush();
    return firstFailure;
  }

  /** Marks `entry` and its descendants invalid, on disk and in the tree, and says so. */
  async invalidate(entry: BlockIndexEntry, err: RuleError): Promise<void> {
    const descendants = this.modules.tree.markFailed(entry);
    const batch = this.modules.store.batch();
    for (const failed of [entry, ...descendants]) batch.putBlockIndex(indexRecord(failed, failed.txCount));
    await batch.write();
    this.modules.logger.warn({ hash: entry.hash, height: entry.height, code: err.code, descendants: descendants.length }, 'block failed to connect');
    this.modules.emit('blockInvalid', { entry, code: err.code, message: err.message });
  }

  /**
   * Below a snapshot's base there are no bodies or undo data to reorganize with: a branch that
   * leaves the base is dropped as a candidate (Core refuses such a snapshot up front).
   */
  private extendsSnapshot(best: BlockIndexEntry): boolean {
    const base = this.modules.snapshotBase();
    if (!base || best.ancestorEntry(base.height) === base) return true;
    this.modules.tree.dropCandidate(best);
    return false;
  }

  private async connectPath(fork: BlockIndexEntry, target: BlockIndexEntry): Promise<PathStop | undefined> {
    const { tree, logger, store, flusher } = this.modules;
    const path: BlockIndexEntry[] = [];
    for (let entry = target; entry !== fork; entry = entry.parent!) path.push(entry);
    path.reverse();
    const progress = new ConnectProgress(logger, target, store);
    for (let i = 0; i < path.length; i++) {
      try {
        if (!(await this.connectOne(path[i], tree.bestHeader))) {
          // A body on the way is lost: nothing above it can be the tip until it is fetched again.
          for (const above of path.slice(i)) tree.dropCandidate(above);
          return { connected: i };
        }
      } catch (err) {
        if (!isRuleError(err)) throw err;
        await this.invalidate(path[i], err);
        return { connected: i, error: err };
      }
      progress.connected(path[i], i + 1, path.length);
      // Inside a long path (catch-up, reindex), so the cache stays within --dbcache; after the
      // last block, activateBestChain flushes once the new tip is announced.
      if (i < path.length - 1) await flusher.maybeFlush();
    }
    return undefined;
  }

  /** Connects `entry` on top of the tip; false when its body is lost. `bestHeader` decides assumevalid. */
  private async connectOne(entry: BlockIndexEntry, bestHeader: BlockIndexEntry): Promise<boolean> {
    const { tree, params, assumeValid, pendingBodies } = this.modules;
    const block = await this.readBlock(entry);
    if (!block) return false;
    const started = performance.now();
    const assumed = assumeValid ? assumedValid(entry, tree.get(assumeValid), bestHeader, params) : false;
    let connected: ConnectedInputs;
    try {
      connected = await validateConnection(this.modules.connect, entry, block, assumed);
    } finally {
      // The body lands before the connect's chain state (or an invalid mark) is written.
      await pendingBodies.written(entry.hash);
    }
    await writeConnection(this.modules.store, entry, block, connected);
    tree.pushTip(entry);
    this.modules.flusher.blockConnected();
    this.modules.emit('blockConnected', { entry, block, connectMs: performance.now() - started });
    return true;
  }

  /**
   * The body of `entry`: the one still being written, or the stored one; undefined when it
   * cannot be read, and then it is marked lost (see damaged-store.ts). Also getBlock's.
   */
  readBlock(entry: BlockIndexEntry): Promise<Block | undefined> {
    const { tree, store, logger, pendingBodies, emit } = this.modules;
    const pending = pendingBodies.block(entry.hash);
    if (pending) return Promise.resolve(pending);
    const lost = (lostEntry: BlockIndexEntry, reason: string): void => emit('blockDataLost', { entry: lostEntry, reason });
    return readStoredBlock(entry, { tree, store, logger, lost });
  }

  private async disconnectOne(): Promise<void> {
    const entry = this.tip;
    const block = await disconnectTip(this.modules.store, entry);
    this.modules.tree.popTip();
    // It may become best again, should the fork we are moving to turn out invalid.
    this.modules.tree.addCandidate(entry);
    this.modules.emit('blockDisconnected', { entry, block });
  }

  private announceTipChange(oldTip: BlockIndexEntry, disconnected: number, connected: number): void {
    const { logger, emit } = this.modules;
    const tip = this.tip;
    if (disconnected > 0) {
      const fork = findFork(oldTip, tip);
      logger.info({ depth: disconnected, connected, fork: fork.hash, oldTip: oldTip.hash, newTip: tip.hash }, 'reorganized');
      emit('reorg', { depth: disconnected, connected, fork, oldTip, newTip: tip });
    }
    // Debug: the node logs each connected block at info already (node/events-log.ts).
    logger.debug({ hash: tip.hash, height: tip.height, work: tip.chainwork.toString(16) }, 'new tip');
    emit('tipChanged', { tip, previous: oldTip });
  }
}

/**
 * Whether the chain should move from `tip` to `best`: more work, or equal work and made
 * precious after the tip was (preciousblock gives negative, decreasing sequences; ordinary
 * first-seen order never moves the chain between equal-work tips).
 */
function beats(best: BlockIndexEntry, tip: BlockIndexEntry): boolean {
  if (best.chainwork !== tip.chainwork) return best.chainwork > tip.chainwork;
  return best.sequence < 0 && best.sequence < tip.sequence;
}
