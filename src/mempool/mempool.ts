import { setImmediate as nextTurn } from 'node:timers/promises';
import { TypedEmitter } from '../util/typed-emitter.js';
import { unixNow } from '../consensus/header-checks.js';
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import { RecentlyConfirmed } from './confirmed.js';
import { DisconnectedTxs } from './disconnected.js';
import { createEntry, type MempoolEntry, type MutableEntry } from './entry.js';
import { FeeDeltas } from './fee-deltas.js';
import type { MempoolEvents, RemovalReason } from './events.js';
import { expiredTxids, lowestDescendantScore, oldestTime, packageFeeRate, RollingMinFee } from './eviction.js';
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
 * bound enforced by fee-rate eviction with a rolling minimum fee, expiry, and following the
 * chain through blocks and reorgs. Every acceptance and chain update runs through one queue.
 */
export class Mempool extends TypedEmitter<MempoolEvents> implements ChainFollower {
  readonly options: MempoolOptions;
  private readonly graph = new TxGraph();
  private readonly orphans: OrphanTxPool;
  private readonly rollingMinFee: RollingMinFee;
  private readonly disconnected = new DisconnectedTxs();
  private readonly recentlyConfirmed = new RecentlyConfirmed();
  private readonly deltas = new FeeDeltas();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly queue = new SerialQueue();
  /** A lower bound on the oldest entry's time, so expiry scans only when something may be due. */
  private oldestTime = Infinity;

  constructor(
    options: Partial<MempoolOptions>,
    private readonly modules: MempoolModules,
  ) {
    super();
    this.options = resolveMempoolOptions(options);
    this.orphans = new OrphanTxPool(this.options);
    this.rollingMinFee = new RollingMinFee(this.options.incrementalRelayFeeRate);
    this.logger = modules.logger ?? silentLogger;
    this.now = modules.now ?? unixNow;
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
      this.expire();
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
      this.expire();
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
      await this.connectBlock(block);
    });
  }

  blockDisconnected(block: Block): Promise<void> {
    return this.enqueue(async () => {
      this.disconnected.addBlock(block);
      this.recentlyConfirmed.blockDisconnected(block);
    });
  }

  tipChanged(): Promise<void> {
    return this.enqueue(() => (this.disconnected.pending ? this.readdAfterReorg() : Promise.resolve()));
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
    return Math.max(this.options.minRelayFeeRate, this.currentRollingMinFee());
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
    this.expire();
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
    this.oldestTime = Math.min(this.oldestTime, entry.time);
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
        this.oldestTime = Math.min(this.oldestTime, entry.time);
        return entry;
      },
      checkFloor: (fee, vsize) => checkFeeRate(fee, vsize, this.currentRollingMinFee(), this.options),
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
    const evicted = this.trimToSize();
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

  /** Core's removeForBlock: mined txs leave (their children stay), double spends of them go with their descendants. */
  private async connectBlock(block: Block): Promise<void> {
    const txs = block.txs.slice(1);
    this.recentlyConfirmed.blockConnected(block);
    for (const tx of txs) {
      const txid = tx.txid();
      this.disconnected.markMined(txid);
      this.deltas.clear(txid);
      const mined = this.graph.remove(txid);
      if (mined) {
        this.emit('txRemoved', { entry: mined, reason: 'block' });
        // The pool held this tx, so no other pool tx spends its inputs: nothing conflicts.
        continue;
      }
      for (const input of tx.inputs) {
        const spender = this.graph.spentBy(input.prevout);
        if (spender !== undefined) this.announceRemoved(this.graph.removeWithDescendants(spender), 'conflict');
      }
    }
    this.orphans.removeForBlock(txs);
    this.rollingMinFee.blockConnected(this.now());
    this.expire();
    await this.acceptOrphansOf(txs.map((tx) => tx.txid()));
  }

  /**
   * After a reorg: the disconnected blocks' txs are offered back first, then every pool tx is
   * checked again against the new chain (an input may now be missing, an immature coinbase, or
   * spent by a block tx put back), in the old order so parents precede children. Survivors keep
   * their entry and time. Fee floors are skipped, as in Core, and so are the package limits for
   * the pool's own txs (Core never re-checks those); the size bound is applied after.
   */
  private async readdAfterReorg(): Promise<void> {
    const resurrect = this.disconnected.take();
    const previous = this.graph.clear();
    this.oldestTime = Infinity;
    let readded = 0;
    for (const tx of resurrect) {
      const added = await this.tryReadd(tx);
      if (added) this.emit('txAccepted', { entry: added });
      if (added) readded++;
    }
    const dropped = [];
    for (const entry of previous) {
      if (!(await this.tryReadd(entry.tx, entry))) dropped.push(entry);
    }
    this.announceRemoved(dropped, 'reorg');
    this.announceRemoved(this.trimToSize(), 'eviction');
    this.logger.info({ offered: resurrect.length, readded, dropped: dropped.length, size: this.graph.size }, 'mempool updated after reorg');
  }

  private async tryReadd(tx: Transaction, existing?: MutableEntry): Promise<MutableEntry | undefined> {
    try {
      const added = await this.addChecked(tx, { bypassFees: true, existing });
      return added.kind === 'added' ? added.entry : undefined;
    } catch (err) {
      if (!isTxRejection(err)) throw err;
      this.logger.debug({ txid: tx.txid(), code: err.code }, 'not re-added after reorg');
      return undefined;
    }
  }

  /** Core's TrimToSize: while over the bound, evict the lowest descendant-score package and raise the floor. */
  private trimToSize(): MutableEntry[] {
    const evicted: MutableEntry[] = [];
    while (this.graph.usage > this.options.maxBytes) {
      const victim = lowestDescendantScore(this.graph.entries());
      if (!victim) break;
      this.rollingMinFee.bump(packageFeeRate(victim), this.now());
      evicted.push(...this.graph.removeWithDescendants(victim.txid));
    }
    return evicted;
  }

  /** Drops txs older than expiryHours (with their descendants) and stale orphans. */
  private expire(): void {
    const now = this.now();
    this.orphans.expire(now);
    const cutoff = now - this.options.expiryHours * 3600;
    if (this.oldestTime >= cutoff) return;
    for (const txid of expiredTxids(this.graph.entries(), cutoff)) {
      this.announceRemoved(this.graph.removeWithDescendants(txid), 'expiry');
    }
    this.oldestTime = oldestTime(this.graph.entries());
  }

  private announceRemoved(entries: readonly MempoolEntry[], reason: RemovalReason): void {
    for (const entry of entries) this.emit('txRemoved', { entry, reason });
  }

  private currentRollingMinFee(): number {
    return this.rollingMinFee.current(this.now(), this.graph.usage / Math.max(1, this.options.maxBytes));
  }

  private context(bypassFees: boolean, bypassPackageLimits = false): ValidationContext {
    const { chain, params, verifier, sigCache, scriptCache } = this.modules;
    const mempoolMinFeeRate = this.currentRollingMinFee();
    const recentlyConfirmed = this.recentlyConfirmed;
    const feeDelta = (txid: string): bigint => this.deltas.get(txid);
    return { graph: this.graph, chain, params, options: this.options, verifier, sigCache, scriptCache, recentlyConfirmed, mempoolMinFeeRate, bypassFees, bypassPackageLimits, feeDelta };
  }
}
