/**
 * The one mining loop: template → nonce search → submit, until stopped. The node's miner
 * (--mine), its paced regtest form (--mine-interval) and the standalone getblocktemplate miner
 * (`powcoin mine`) are this loop with a different WorkSource and SolutionSink (work.ts):
 * local-work.ts and gbt-work.ts hold the two pairs.
 *
 * When the work goes stale:
 * - the source says so (the tip moved; a better template on the same tip, found by the local
 *   source's refresh or answered by a getblocktemplate long poll): the running job is cancelled
 *   at once and the next job is on the new template. A solution whose parent is no longer the
 *   tip is dropped, never sent.
 * - the nonce range is exhausted: same transactions, next extranonce, fresh time.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { unixNow } from '../consensus/header-checks.js';
import type { NonceResult, NonceSearcher } from './interfaces.js';
import type { BlockTemplate } from './template.js';
import type { SolutionSink, WorkSource } from './work.js';
import { type Logger, silentLogger } from '../util/logger.js';

export interface MinerOptions {
  /** Threads the searcher runs; whoever builds the NoncePool sizes it, the miner reports it. */
  threads?: number;
  /**
   * Least seconds between two solutions (0: none). On regtest a block takes two hashes, so an
   * unpaced miner writes hundreds a second; paced, `npm start` shows a steady chain.
   */
  intervalSeconds?: number;
  /** Stop once this many blocks were accepted (0: never). */
  maxBlocks?: number;
  /** Seconds between `status` events (and the debug log of the hash rate). */
  statusSeconds?: number;
  /** End the loop at the first error (a CLI reports it) instead of logging it and going on. */
  stopOnError?: boolean;
}

export const DEFAULT_STATUS_SECONDS = 5;
/** After an unexpected error the loop waits this long, so a persistent fault does not spin. */
const ERROR_BACKOFF_MS = 1000;

export interface MinerModules {
  work: WorkSource;
  sink: SolutionSink;
  searcher: NonceSearcher;
  logger?: Logger;
  /** Seconds since the epoch. */
  now?: () => number;
}

export interface MinerEvents {
  /** A block we solved was taken by the sink: `status` is the chain's answer (connected, side-chain, duplicate, inconclusive). */
  blockFound: [{ hash: string; height: number; status: string }];
  /** A block we solved was refused: a bug when the template follows our own rules. */
  blockRejected: [{ hash: string; height: number; code: string; message: string }];
  /** Every `statusSeconds` while running. */
  status: [{ hashrate: number; blocksFound: number; height: number | undefined }];
}

export interface MinerStats {
  /** Our blocks the sink accepted since this miner was made. */
  blocksFound: number;
  /** Hashes per second over all threads. */
  hashrate: number;
  running: boolean;
  /** Height of the block being mined, undefined before the first template. */
  templateHeight: number | undefined;
}

export class Miner extends EventEmitter<MinerEvents> {
  private readonly options: Required<Omit<MinerOptions, 'threads'>> & MinerOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private running = false;
  private looping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private failure: unknown;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  /** The template of the job being searched, or last searched. */
  private current: BlockTemplate | undefined;
  /** The template whose staleness the source is watching (rebuilds share it), and how to stop watching. */
  private watched: { template: BlockTemplate; abort: AbortController } | undefined;
  /** What the source offered instead of the watched template. */
  private replacement: BlockTemplate | undefined;
  /** The next job needs a new template() (tip moved, block submitted, just started). */
  private needFresh = true;
  private searching = false;
  /** Random start, so two miners paying one script never search the same coinbase. */
  private extraNonce = BigInt(randomBytes(4).readUInt32LE()) << 20n;
  private blocksFound = 0;
  private lastSolutionAt = 0;
  /** Times the source said the work went stale; a pace pause that sees it move drops its solution. */
  private staledCount = 0;

  constructor(
    options: MinerOptions,
    private readonly modules: MinerModules,
  ) {
    super();
    this.options = { intervalSeconds: 0, maxBlocks: 0, statusSeconds: DEFAULT_STATUS_SECONDS, stopOnError: false, ...options };
    this.logger = modules.logger ?? silentLogger;
    this.now = modules.now ?? unixNow;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.needFresh = true;
    this.failure = undefined;
    this.timer = setInterval(() => this.status(), this.options.statusSeconds * 1000);
    this.timer.unref();
    this.logger.info({ threads: this.options.threads }, 'miner started');
    // Restarted before the last loop wound down: that loop sees running again and carries on.
    if (!this.looping) this.loopDone = this.loop();
  }

  /** Resolves once the loop has ended (a block being submitted is finished first). */
  async stop(): Promise<void> {
    if (!this.running) return this.loopDone;
    this.halt();
    await this.loopDone;
    this.logger.info({ blocksFound: this.blocksFound }, 'miner stopped');
  }

  /** Starts and resolves with the blocks found once the loop ends (maxBlocks, stop()); rejects with the error that ended it under stopOnError. */
  async run(): Promise<number> {
    this.start();
    await this.loopDone;
    if (this.failure !== undefined) throw this.failure;
    return this.blocksFound;
  }

  stats(): MinerStats {
    return { blocksFound: this.blocksFound, hashrate: this.modules.searcher.hashrate().total, running: this.running, templateHeight: this.current?.height };
  }

  private halt(): void {
    this.running = false;
    clearInterval(this.timer);
    this.unwatch();
    if (this.searching) this.modules.searcher.cancel();
    this.wake?.();
  }

  private async loop(): Promise<void> {
    this.looping = true;
    while (this.running) {
      try {
        await this.mineOne();
      } catch (err) {
        if (this.options.stopOnError) {
          this.failure = err;
          this.halt();
          break;
        }
        this.logger.error({ err }, 'miner iteration failed');
        await this.pause(ERROR_BACKOFF_MS);
      }
    }
    this.unwatch();
    this.looping = false;
  }

  /** One search job on the freshest work; submits if it solved the block. */
  private async mineOne(): Promise<void> {
    const template = await this.nextTemplate();
    if (!this.running || !template) return;
    this.current = template;
    this.searching = true;
    let result: NonceResult;
    try {
      // Nothing awaits between the tip check in nextTemplate and handing over the job, so no stale signal slips in unseen.
      result = await this.modules.searcher.mine({ header: template.headerBytes(), target: template.target });
    } finally {
      this.searching = false;
    }
    if (!this.running) return;
    if ('nonce' in result) await this.found(template, result.nonce);
  }

  /** The source's replacement; a fresh template; otherwise the same work with the next extranonce. Undefined: go round again. */
  private async nextTemplate(): Promise<BlockTemplate | undefined> {
    const { work } = this.modules;
    // The source watches the template it made (a long poll keeps its id); we mine it, or it rebuilt with our extranonce.
    let made: BlockTemplate;
    let template: BlockTemplate;
    if (this.replacement) {
      made = this.replacement;
      template = made.rebuild({ extraNonce: this.takeExtraNonce(), time: this.now() });
      this.replacement = undefined;
    } else if (this.needFresh || !this.current) {
      this.needFresh = false;
      made = template = await work.template(this.takeExtraNonce());
      // stop(), or the source went stale again while it caught up: start over rather than mine stale work.
      if (!this.running || this.needFresh || this.replacement) return undefined;
    } else {
      return this.current.rebuild({ extraNonce: this.takeExtraNonce(), time: this.now() });
    }
    if (!work.extendsTip(template)) {
      this.needFresh = true;
      return undefined;
    }
    this.watch(made);
    return template;
  }

  private takeExtraNonce(): bigint {
    this.extraNonce = (this.extraNonce + 1n) & 0xffff_ffff_ffff_ffffn;
    return this.extraNonce;
  }

  /** Asks the source to say when `template` goes stale; a watch on earlier work is dropped. */
  private watch(template: BlockTemplate): void {
    this.unwatch();
    const watch = { template, abort: new AbortController() };
    this.watched = watch;
    this.modules.work.stale(template, watch.abort.signal).then(
      (replacement) => {
        if (this.watched !== watch) return;
        this.logger.debug({ height: template.height, replacement: replacement?.height }, replacement ? 'new template' : 'tip changed: new template');
        this.staled(replacement);
      },
      (err: unknown) => {
        if (this.watched !== watch) return;
        // The next template() call meets the fault again, if it lasts, and the loop handles it there.
        this.logger.warn({ err }, 'template source failed');
        this.staled(undefined);
      },
    );
  }

  private unwatch(): void {
    this.watched?.abort.abort();
    this.watched = undefined;
  }

  private staled(replacement: BlockTemplate | undefined): void {
    this.staledCount++;
    this.watched = undefined;
    this.replacement = replacement;
    this.needFresh = !replacement;
    if (this.searching) this.modules.searcher.cancel();
    this.wake?.();
  }

  /** A solution: paced if asked, dropped if stale, else handed to the sink. */
  private async found(template: BlockTemplate, nonce: number): Promise<void> {
    const block = template.withNonce(nonce);
    const hash = block.hash();
    const height = template.height;
    const wait = this.lastSolutionAt + this.options.intervalSeconds * 1000 - Date.now();
    if (wait > 0) {
      const staledBefore = this.staledCount;
      await this.pause(wait);
      // Stale work or stop() during the pause: drop it, as a cancelled job.
      if (!this.running || this.staledCount !== staledBefore) return;
    }
    this.lastSolutionAt = Date.now();
    if (!this.modules.work.extendsTip(template)) {
      this.logger.info({ hash, height }, 'solution for a replaced tip dropped');
      return;
    }
    // Whatever the sink says, the next job needs a new template.
    this.unwatch();
    this.needFresh = true;
    const outcome = await this.modules.sink.submit(block);
    if ('rejected' in outcome) {
      this.logger.error({ hash, height, code: outcome.code, message: outcome.message }, 'our mined block was rejected');
      this.emit('blockRejected', { hash, height, code: outcome.code, message: outcome.message });
      return;
    }
    if (outcome.accepted) this.blocksFound++;
    // 'block connected' already tells the operator at info; a block that did not become the tip is news.
    this.logger[outcome.status === 'connected' ? 'debug' : 'info']({ hash, height, status: outcome.status, txs: block.txs.length, fees: template.fees.toString(), hashrate: this.stats().hashrate }, 'mined block');
    this.emit('blockFound', { hash, height, status: outcome.status });
    if (this.options.maxBlocks > 0 && this.blocksFound >= this.options.maxBlocks) this.halt();
  }

  private status(): void {
    const event = { hashrate: this.modules.searcher.hashrate().total, blocksFound: this.blocksFound, height: this.current?.height };
    this.logger.debug({ hashrate: event.hashrate, height: event.height }, 'mining');
    this.emit('status', event);
  }

  /** A pause that stop() and stale work cut short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
