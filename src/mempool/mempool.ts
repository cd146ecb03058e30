import { setImmediate as nextTurn } from 'node:timers/promises';
import { TypedEmitter } from '../util/typed-emitter.js';
import { unixNow } from '../consensus/header-checks.js';
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import { BlockUpdates } from './block-updates.js';
import { RecentlyConfirmed } from './confirmed.js';
import { createEntry, type MempoolEntry, type MutableEntry } from './entry.js';
import { FeeDeltas } from './fee-deltas.js';
import type { MempoolEvents, RemovalReason } from './events.js';
import { PoolBounds } from './eviction.js';
import { followChain, type ChainFollower } from './follow.js';
import { TxGraph } from './graph.js';
import { type ChainEventSource, type ChainView, type PassedScripts, type SignatureCacheView, type SignatureCheckVerifier } from './interfaces.js';
import { resolveMempoolOptions, type MempoolOptions } from './options.js';
import type { AcceptResult, MempoolInfo, TestAcceptResult } from './results.js';
import { OrphanTxPool } from './orphans.js';
import { type PackageTestResult, testPackage } from './package-test.js';
import { acceptPackage, type PackageAcceptHooks, type PackageAcceptResult } from './package-accept.js';
import { checkFeeRate } from './policy.js';
import { isTxRejection, policyError } from './policy-codes.js';
import { signalsOptInRbf } from './rbf.js';
import { MEMPOOL_HEIGHT, validateTransaction, type ValidationContext } from './validate.js';
import { SerialQueue } from '../util/serial-queue.js';
import { type Logger, silentLogger } from '../util/logger.js';

export interface MempoolModules {
  chain: ChainView;
  params: NetworkParams;
  verifier: SignatureCheckVerifier;
  /** The chain's cache: signatures checked on entry are not checked again when the block connects. */
  sigCache: SignatureCacheView;
  /** The chain's script cache: a tx accepted here connects in a block without its scripts checked again. */
  scriptCache?: PassedScripts;
  logger?: Logger;
  /** Seconds since the epoch; injectable so tests can move the clock. */
  now?: () => number;
}

const SATS_PER_COIN = 100_000_000;

type Added = { kind: 'added'; entry: MutableEntry; replaced: readonly MempoolEntry[] } | { kind: 'missing-inputs'; missing: string[] };

/**
 * The pool of valid unconfirmed transactions, as Core's CTxMemPool with MemPoolAccept: BIP125
 * replace-by-fee (full-RBF by default, rbf.ts), chains of unconfirmed txs, orphans, package limits, a size
 * bound enforced by fee-rate eviction with a rolling minimum fee, expiry (both eviction.ts), and following
 * the chain through blocks and reorgs (block-updates.ts). Every acceptance and chain update runs through
 * one queue.
 */
export class Mempool extends TypedEmitter<MempoolEvents> implements ChainFollower {
  readonly options: MempoolOptions;
  private readonly graph = new TxGraph();
  private readonly orphans: OrphanTxPool;
  private readonly recentlyConfirmed = new RecentlyConfirmed();
  private readonly deltas = new FeeDeltas();
  private readonly bounds: PoolBounds;
  private readonly blockUpdates: BlockUpdates;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly queue = new SerialQueue();

  constructor(
    options: Partial<MempoolOptions>,
    private readonly modules: MempoolModules,
  ) {
    super();
    this.options = resolveMempoolOptions(options);
    this.orphans = new OrphanTxPool(this.options);
    this.logger = modules.logger ?? silentLogger;
    this.now = modules.now ?? unixNow;
    const { graph, orphans, recentlyConfirmed, deltas, logger } = this;
    const emit = this.emit.bind(this);
    this.bounds = new PoolBounds(this.options, { graph, orphans, now: this.now, emit });
    this.blockUpdates = new BlockUpdates({
      graph, orphans, recentlyConfirmed, deltas, bounds: this.bounds, logger, emit,
      readd: (tx, existing) => this.addChecked(tx, { bypassFees: true, existing }),
      acceptOrphansOf: (parents) => this.acceptOrphansOf(parents),
    });
  }

  /** Validates `tx` and adds it (or holds it as an orphan); throws RuleError when it is refused. */
  acceptTransaction(tx: Transaction): Promise<AcceptResult> {
    return this.enqueue(() =>
      this.acceptOne(tx).catch((err: unknown) => {
        if (isTxRejection(err)) this.emit('txRejected', { txid: tx.txid(), code: err.code });
        throw err;
      }),
    );
  }

  /** Core's testmempoolaccept: every check acceptTransaction makes, nothing added. */
  testAccept(tx: Transaction): Promise<TestAcceptResult> {
    return this.enqueue(() => this.testOne(tx));
  }

  /** Core's testmempoolaccept of a package: each tx checked as if those before it were in the pool; nothing stays. */
  testAcceptPackage(txs: readonly Transaction[]): Promise<PackageTestResult> {
    return this.enqueue(() => {
      this.bounds.expire();
      return testPackage(txs, this.context(false), this.graph, (tx, fee) => createEntry({ tx, fee, feeDelta: this.deltas.get(tx.txid()), time: this.now(), height: this.modules.chain.height }));
    });
  }

  /**
   * Core's prioritisetransaction: adds `delta` sats to the fee the pool and the miner judge the
   * tx by (ancestor/descendant sums, eviction, RBF, block selection), now if it is in the pool,
   * else when it arrives; forgotten once the tx is mined.
   */
  prioritise(txid: string, delta: bigint): Promise<void> {
    return this.enqueue(async () => {
      const total = this.deltas.add(txid, delta);
      const entry = this.graph.get(txid);
      if (entry) this.graph.setModifiedFee(txid, entry.fee + total);
    });
  }

  /** Core's getprioritisedtransactions: every delta, with the modified fee of the txs in the pool. */
  prioritised(): Array<{ txid: string; feeDelta: bigint; modifiedFee?: bigint }> {
    return this.deltas.entries().map(([txid, feeDelta]) => {
      const entry = this.graph.get(txid);
      return entry ? { txid, feeDelta, modifiedFee: entry.modifiedFee } : { txid, feeDelta };
    });
  }

  /** Core's submitpackage: each tx alone, then those paying too little at the package's fee rate (package-accept.ts). */
  acceptPackage(txs: readonly Transaction[]): Promise<PackageAcceptResult> {
    return this.enqueue(() => {
      this.bounds.expire();
      return acceptPackage(txs, this.packageHooks());
    });
  }

  /**
   * Queued at once, so acceptances queued later see the block's effect; run on the next turn of
   * the event loop, after the chain has announced its new tip (the relay forwards it then), not
   * in the microtasks between the chain's blockConnected and tipChanged. Callers that must see
   * the pool without the block's txs await idle() (the block producer, submitblock, generate).
   */
  blockConnected(block: Block): Promise<void> {
    return this.enqueue(async () => {
      await nextTurn();
      await this.blockUpdates.connect(block);
    });
  }

  blockDisconnected(block: Block): Promise<void> {
    return this.enqueue(async () => this.blockUpdates.disconnect(block));
  }

  tipChanged(): Promise<void> {
    return this.enqueue(() => this.blockUpdates.tipChanged());
  }

  /** Follows the chain's events (see follow.ts); returns a function that stops following. */
  followChain(chain: ChainEventSource): () => void {
    return followChain(this, chain, this.logger);
  }

  /** Resolves once everything queued so far (acceptances, chain events) is done. */
  async idle(): Promise<void> {
    await this.queue.settled();
  }

  get size(): number {
    return this.graph.size;
  }

  /** Sum of the entries' vsizes. */
  get bytes(): number {
    return this.graph.vsize;
  }

  /** Estimated memory in use, the figure bounded by maxBytes. */
  get usage(): number {
    return this.graph.usage;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  has(txid: string): boolean {
    return this.graph.has(txid);
  }

  hasOrphan(txid: string): boolean {
    return this.orphans.has(txid);
  }

  get(txid: string): MempoolEntry | undefined {
    return this.graph.get(txid);
  }

  /** Every entry, parents before children. */
  entries(): IterableIterator<MempoolEntry> {
    return this.graph.entries();
  }

  /** Txid of the pool tx spending `outpoint`, if any. */
  spentBy(outpoint: OutPoint): string | undefined {
    return this.graph.spentBy(outpoint);
  }

  /** An output created by a pool tx and not spent by another one (Core's CCoinsViewMemPool). */
  getCoin(outpoint: OutPoint): Coin | undefined {
    const output = this.graph.output(outpoint);
    if (!output || this.graph.spentBy(outpoint) !== undefined) return undefined;
    return { value: output.value, script: output.script, height: MEMPOOL_HEIGHT, coinbase: false };
  }

  /** In-pool ancestors of `txid`, itself excluded. */
  ancestorsOf(txid: string): MempoolEntry[] {
    return this.graph.ancestorsOf(txid);
  }

  /** In-pool descendants of `txid`, itself excluded. */
  descendantsOf(txid: string): MempoolEntry[] {
    return this.graph.descendantsOf(txid);
  }

  /** Core's IsRBFOptIn for a pool tx: it or an in-pool ancestor signals BIP125 (full-RBF replaces it regardless). */
  signalsRbf(txid: string): boolean {
    const entry = this.graph.get(txid);
    if (!entry) return false;
    return signalsOptInRbf(entry.tx) || this.graph.ancestorsOf(txid).some((ancestor) => signalsOptInRbf(ancestor.tx));
  }

  /** The fee rate (sat/kvB) a tx needs now: the relay minimum or the rolling floor after evictions. */
  minFeeRate(): number {
    return Math.max(this.options.minRelayFeeRate, this.bounds.currentRollingMinFee());
  }

  info(): MempoolInfo {
    return {
      loaded: true,
      size: this.graph.size,
      bytes: this.graph.vsize,
      usage: this.graph.usage,
      total_fee: Number(this.graph.totalFee) / SATS_PER_COIN,
      maxmempool: this.options.maxBytes,
      mempoolminfee: this.minFeeRate() / SATS_PER_COIN,
      minrelaytxfee: this.options.minRelayFeeRate / SATS_PER_COIN,
      incrementalrelayfee: this.options.incrementalRelayFeeRate / SATS_PER_COIN,
      unbroadcastcount: 0,
      fullrbf: this.options.fullRbf,
    };
  }

  protected override listenerFailed(event: string, err: unknown): void {
    this.logger.error({ event, err }, 'a mempool event listener threw');
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  private async acceptOne(tx: Transaction): Promise<AcceptResult> {
    this.bounds.expire();
    const txid = tx.txid();
    const wtxid = tx.wtxid();
    const added = await this.addChecked(tx, { bypassFees: false });
    if (added.kind === 'missing-inputs') {
      for (const evicted of this.orphans.add(tx, added.missing, this.now())) this.logger.debug({ txid: evicted }, 'orphan evicted');
      return { status: 'orphan', txid, wtxid, missing: added.missing };
    }
    this.finishAdding(added.entry);
    const resolved = await this.acceptOrphansOf([txid]);
    return { status: 'accepted', txid, wtxid, entry: added.entry, resolved };
  }

  private async testOne(tx: Transaction): Promise<TestAcceptResult> {
    const ids = { txid: tx.txid(), wtxid: tx.wtxid() };
    try {
      const outcome = await validateTransaction(tx, this.context(false));
      if (outcome.kind === 'missing-inputs') return { ...ids, allowed: false, rejectReason: 'missing-inputs' };
      return { ...ids, allowed: true, vsize: tx.vsize(), fee: outcome.fee };
    } catch (err) {
      if (!isTxRejection(err)) throw err;
      return { ...ids, allowed: false, rejectReason: err.code, error: err };
    }
  }

  /** Validates and puts `tx` in the graph without announcing it; `existing` re-adds an entry after a reorg. */
  private async addChecked(tx: Transaction, how: { bypassFees: boolean; existing?: MutableEntry }): Promise<Added> {
    const outcome = await validateTransaction(tx, this.context(how.bypassFees, how.existing !== undefined));
    if (outcome.kind === 'missing-inputs') return outcome;
    // Txs put back after a reorg never evict one another: the old order stands.
    if (how.bypassFees && outcome.replaced.length > 0) throw policyError('txn-mempool-conflict', `${tx.txid()} conflicts with ${outcome.replaced[0].txid}`);
    this.replace(outcome.replaced, tx.txid());
    const entry = how.existing ?? createEntry({ tx, fee: outcome.fee, time: this.now(), height: this.modules.chain.height });
    entry.modifiedFee = entry.fee + this.deltas.get(entry.txid);
    this.graph.add(entry, outcome.ancestors);
    this.bounds.entered(entry);
    return { kind: 'added', entry, replaced: outcome.replaced };
  }

  private packageHooks(): PackageAcceptHooks {
    return {
      get: (txid) => this.graph.get(txid),
      acceptAlone: async (tx) => {
        const added = await this.addChecked(tx, { bypassFees: false });
        if (added.kind === 'missing-inputs') return added;
        this.finishAdding(added.entry);
        return added;
      },
      addWithoutFloor: async (tx) => {
        const outcome = await validateTransaction(tx, this.context(true));
        if (outcome.kind === 'missing-inputs') return undefined;
        // Package RBF (Core's 1-parent-1-child replacement) is not done: a tx judged at the package rate may not replace.
        if (outcome.replaced.length > 0) throw policyError('txn-mempool-conflict', `${tx.txid()} conflicts with ${outcome.replaced[0].txid}`);
        const entry = createEntry({ tx, fee: outcome.fee, feeDelta: this.deltas.get(tx.txid()), time: this.now(), height: this.modules.chain.height });
        this.graph.add(entry, outcome.ancestors);
        this.bounds.entered(entry);
        return entry;
      },
      checkFloor: (fee, vsize) => checkFeeRate(fee, vsize, this.bounds.currentRollingMinFee(), this.options),
      remove: (txid) => void this.graph.remove(txid),
      announce: (entry) => this.finishAdding(entry),
    };
  }

  /** Evicts what a replacement conflicts with, descendants first, announced as Core's REPLACED. */
  private replace(replaced: readonly MempoolEntry[], replacedBy: string): void {
    for (const conflict of replaced) {
      for (const entry of this.graph.removeWithDescendants(conflict.txid)) this.emit('txRemoved', { entry, reason: 'replaced', replacedBy });
    }
    if (replaced.length > 0) this.logger.debug({ txid: replacedBy, replaced: replaced.length }, 'mempool replacement');
  }

  /** Trims the pool and announces the new entry; if trimming evicted it, the pool was full for its fee rate. */
  private finishAdding(entry: MutableEntry): void {
    const evicted = this.bounds.trimToSize();
    const self = evicted.find((removed) => removed.txid === entry.txid);
    this.announceRemoved(evicted.filter((removed) => removed !== self), 'eviction');
    if (self) throw policyError('mempool full', `${entry.txid} would be evicted at once`);
    this.orphans.remove(entry.txid); // it may also be waiting there, had it come by another route
    this.emit('txAccepted', { entry });
  }

  /** Tries the orphans waiting on `parents`, and on those accepted in turn; returns the txids accepted. */
  private async acceptOrphansOf(parents: readonly string[]): Promise<string[]> {
    const accepted: string[] = [];
    // Parents in the order given, then each accepted orphan as a parent in turn. A block's
    // thousands of txs rarely have an orphan waiting: those without are passed over unasked.
    const waiting = parents.filter((txid) => this.orphans.hasChildrenOf(txid));
    for (let next = 0; next < waiting.length; next++) {
      for (const orphan of this.orphans.takeChildrenOf(waiting[next])) {
        const txid = await this.retryOrphan(orphan);
        if (txid) waiting.push(txid);
        if (txid) accepted.push(txid);
      }
    }
    return accepted;
  }

  private async retryOrphan(tx: Transaction): Promise<string | undefined> {
    try {
      const added = await this.addChecked(tx, { bypassFees: false });
      if (added.kind === 'missing-inputs') {
        this.orphans.add(tx, added.missing, this.now());
        return undefined;
      }
      this.finishAdding(added.entry);
      return added.entry.txid;
    } catch (err) {
      if (!isTxRejection(err)) throw err;
      this.logger.debug({ txid: tx.txid(), code: err.code }, 'orphan rejected');
      return undefined;
    }
  }

  private announceRemoved(entries: readonly MempoolEntry[], reason: RemovalReason): void {
    for (const entry of entries) this.emit('txRemoved', { entry, reason });
  }

  private context(bypassFees: boolean, bypassPackageLimits = false): ValidationContext {
    const { chain, params, verifier, sigCache, scriptCache } = this.modules;
    const mempoolMinFeeRate = this.bounds.currentRollingMinFee();
    const recentlyConfirmed = this.recentlyConfirmed;
    const feeDelta = (txid: string): bigint => this.deltas.get(txid);
    return { graph: this.graph, chain, params, options: this.options, verifier, sigCache, scriptCache, recentlyConfirmed, mempoolMinFeeRate, bypassFees, bypassPackageLimits, feeDelta };
  }
}
