/**
 * The built-in miner: template → nonce search → processBlock, in a loop until stopped.
 *
 * When the work goes stale:
 * - the tip moves (any block, ours or a peer's): the running job is cancelled at once and the
 *   next template builds on the new tip. A solution found for an old tip is dropped, not sent.
 * - the nonce range is exhausted: same transactions, next extranonce, fresh time.
 * - every `refreshSeconds` a candidate template is built from the source; if it differs from the
 *   one being mined (fees or tx count), the job is cancelled and the candidate mined instead, as
 *   Core's getblocktemplate long-poll does. Waiting for exhaustion instead would leave new fees
 *   unclaimed for the minutes a 2^32 range takes at real difficulty.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { isRuleError } from '../consensus/errors.js';
import { unixNow } from '../consensus/header-checks.js';
import type { NetworkParams } from '../params/types.js';
import { checkCoinbaseTag, checkPayoutScript } from './coinbase.js';
import { type MinerChain, type NonceResult, type NonceSearcher, type TemplateSource, type TipChangedEvent } from './interfaces.js';
import { type BlockTemplate, buildBlockTemplate } from './template.js';
import { type Logger, silentLogger } from '../util/logger.js';

export interface MinerOptions {
  payoutScript: Uint8Array;
  /** Threads the searcher runs; the composition root sizes the NoncePool with it, the miner reports it. */
  threads?: number;
  /** Seconds between checks of the source for a better template. */
  refreshSeconds?: number;
  /** Extra bytes in the coinbase scriptSig (at most 75, and the whole scriptSig at most 100). */
  coinbaseTag?: Uint8Array;
  /** Block weight limit for templates; Core's default when absent. */
  maxWeight?: number;
}

export const DEFAULT_REFRESH_SECONDS = 5;
/** After an unexpected error the loop waits this long, so a persistent fault does not spin. */
const ERROR_BACKOFF_MS = 1000;

export interface MinerModules {
  chain: MinerChain;
  source: TemplateSource;
  searcher: NonceSearcher;
  params: NetworkParams;
  logger?: Logger;
  /** Seconds since the epoch. */
  now?: () => number;
}

export interface MinerEvents {
  /** A block we solved was accepted by the chain (connected, or stored on a side chain). */
  blockFound: [{ hash: string; height: number; status: string }];
  /** A block we solved was refused: a bug, since we build by the same rules. */
  blockRejected: [{ hash: string; height: number; code: string; message: string }];
}

export interface MinerStats {
  /** Our blocks the chain accepted since this miner was made. */
  blocksFound: number;
  /** Hashes per second over all threads. */
  hashrate: number;
  running: boolean;
  /** Height of the block being mined, undefined before the first template. */
  templateHeight: number | undefined;
}

export class Miner extends EventEmitter<MinerEvents> {
  private readonly options: Required<Pick<MinerOptions, 'refreshSeconds'>> & MinerOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private running = false;
  private looping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  /** The template of the job being searched, or last searched. */
  private current: BlockTemplate | undefined;
  /** A better template found by the refresh timer, to be mined next. */
  private candidate: BlockTemplate | undefined;
  private searching = false;
  private stale = false;
  /** Random start, so two miners paying one script never search the same coinbase. */
  private extraNonce = randomBytes(4).readUInt32LE() * 2 ** 20;
  private blocksFound = 0;

  constructor(
    options: MinerOptions,
    private readonly modules: MinerModules,
  ) {
    super();
    this.options = { refreshSeconds: DEFAULT_REFRESH_SECONDS, ...options };
    checkPayoutScript(options.payoutScript, modules.params);
    checkCoinbaseTag(options.coinbaseTag);
    this.logger = modules.logger ?? silentLogger;
    this.now = modules.now ?? unixNow;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stale = true;
    this.modules.chain.on('tipChanged', this.onTipChanged);
    this.timer = setInterval(() => this.refresh(), this.options.refreshSeconds * 1000);
    this.timer.unref();
    this.logger.info({ threads: this.options.threads, height: this.modules.chain.tip.height + 1 }, 'miner started');
    // Restarted before the last loop wound down: that loop sees running again and carries on.
    if (!this.looping) this.loopDone = this.loop();
  }

  /** Resolves once the loop has ended (a block being submitted is finished first). */
  async stop(): Promise<void> {
    if (!this.running) return this.loopDone;
    this.running = false;
    clearInterval(this.timer);
    this.modules.chain.off('tipChanged', this.onTipChanged);
    if (this.searching) this.modules.searcher.cancel();
    this.wake?.();
    await this.loopDone;
    this.logger.info({ blocksFound: this.blocksFound }, 'miner stopped');
  }

  stats(): MinerStats {
    return {
      blocksFound: this.blocksFound,
      hashrate: this.modules.searcher.hashrate().total,
      running: this.running,
      templateHeight: this.current?.height,
    };
  }

  private async loop(): Promise<void> {
    this.looping = true;
    while (this.running) {
      try {
        await this.mineOne();
      } catch (err) {
        this.logger.error({ err }, 'miner iteration failed');
        await this.sleep(ERROR_BACKOFF_MS);
      }
    }
    this.looping = false;
  }

  /** One search job on the freshest template; submits if it solved the block. */
  private async mineOne(): Promise<void> {
    const template = await this.nextTemplate();
    // The tip moved again while the source caught up: start over rather than mine stale work.
    if (!this.running || this.stale) return;
    this.current = template;
    this.searching = true;
    let result: NonceResult;
    try {
      // Nothing awaits between building and handing over the job, so no tipChanged can slip in unseen.
      result = await this.modules.searcher.mine({ header: template.headerBytes(), target: template.target });
    } finally {
      this.searching = false;
    }
    if (!this.running) return;
    if ('nonce' in result) await this.submit(template, result.nonce);
  }

  /** A fresh template after a tip change; the refresh timer's candidate; otherwise the next extranonce. */
  private async nextTemplate(): Promise<BlockTemplate> {
    const tip = this.modules.chain.tip;
    const previous = this.current;
    const candidate = this.candidate;
    this.candidate = undefined;
    if (this.stale || !previous || previous.previousHash !== tip.hash) {
      this.stale = false;
      // The mempool removes a connected block's txs in its own queue; let it finish first.
      await this.modules.source.idle?.();
      return this.buildTemplate();
    }
    if (candidate && candidate.previousHash === tip.hash) return candidate;
    return previous.rebuild({ extraNonce: this.takeExtraNonce(), time: this.now() });
  }

  private buildTemplate(): BlockTemplate {
    const { chain, params, source } = this.modules;
    return buildBlockTemplate({
      tip: chain.tip,
      bits: chain.nextBits(),
      medianTimePast: chain.medianTimePast(),
      params,
      payoutScript: this.options.payoutScript,
      extraNonce: this.takeExtraNonce(),
      coinbaseTag: this.options.coinbaseTag,
      now: this.now(),
      source,
      maxWeight: this.options.maxWeight,
    });
  }

  private takeExtraNonce(): number {
    this.extraNonce = (this.extraNonce + 1) % Number.MAX_SAFE_INTEGER;
    return this.extraNonce;
  }

  /** Our block enters through processBlock like any peer's. */
  private async submit(template: BlockTemplate, nonce: number): Promise<void> {
    const block = template.withNonce(nonce);
    const hash = block.hash();
    const height = template.height;
    if (template.previousHash !== this.modules.chain.tip.hash) {
      this.logger.info({ hash, height }, 'solution for a replaced tip dropped');
      return;
    }
    try {
      const { status } = await this.modules.chain.processBlock(block);
      if (status === 'connected' || status === 'side-chain') this.blocksFound++;
      // 'block connected' already tells the operator at info; a block that did not become the tip is news.
      this.logger[status === 'connected' ? 'debug' : 'info']({ hash, height, status, txs: block.txs.length, fees: template.fees.toString(), hashrate: this.stats().hashrate }, 'mined block');
      this.emit('blockFound', { hash, height, status });
    } catch (err) {
      if (!isRuleError(err)) throw err;
      this.logger.error({ hash, height, code: err.code, message: err.message }, 'our mined block was rejected');
      this.emit('blockRejected', { hash, height, code: err.code, message: err.message });
    }
  }

  private readonly onTipChanged = ({ tip }: TipChangedEvent): void => {
    if (this.current?.previousHash === tip.hash) return;
    this.stale = true;
    this.candidate = undefined;
    if (this.searching) this.modules.searcher.cancel();
    this.logger.debug({ tip: tip.hash, height: tip.height }, 'tip changed: new template');
  };

  /** Cancels the job for a better template when the source's transactions have changed. */
  private refresh(): void {
    const current = this.current;
    this.logger.debug({ hashrate: this.modules.searcher.hashrate().total, height: current?.height }, 'mining');
    if (!this.running || !this.searching || this.stale || !current) return;
    try {
      const fresh = this.buildTemplate();
      if (fresh.fees === current.fees && fresh.txs.length === current.txs.length) return;
      this.candidate = fresh;
      this.modules.searcher.cancel();
    } catch (err) {
      this.logger.error({ err }, 'template refresh failed');
    }
  }

  /** A pause that stop() cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
