/**
 * The node's own ends of the mining loop: templates from the local block assembler (the chain's
 * tip and the mempool), solutions into chain.processBlock exactly like a peer's block.
 *
 * The work goes stale when the tip moves (any block, ours or a peer's), or when the source's
 * transactions change: every `refreshSeconds` a candidate is built, and if its fees or its
 * transaction count differ it is mined instead, as Core's getblocktemplate long poll does.
 * Waiting for exhaustion would leave new fees unclaimed for the minutes a 2^32 range takes at
 * real difficulty.
 */
import { isRuleError } from '../consensus/errors.js';
import { unixNow } from '../consensus/header-checks.js';
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import { checkCoinbaseTag, checkPayoutScript } from './coinbase.js';
import type { MinerChain, NonceSearcher, TemplateSource, TipChangedEvent } from './interfaces.js';
import { Miner, type MinerOptions } from './miner.js';
import { type BlockTemplate, templateOnChain } from './template.js';
import type { SolutionSink, SubmitOutcome, WorkSource } from './work.js';
import { type Logger, silentLogger } from '../util/logger.js';

export interface LocalWorkOptions {
  payoutScript: Uint8Array;
  /** Seconds between checks of the source for a better template. */
  refreshSeconds?: number;
  /** Extra bytes in the coinbase scriptSig (at most 75, and the whole scriptSig at most 100). */
  coinbaseTag?: Uint8Array;
  /** Block weight limit for templates; Core's default when absent. */
  maxWeight?: number;
}

export const DEFAULT_REFRESH_SECONDS = 5;

export interface LocalWorkModules {
  chain: MinerChain;
  source: TemplateSource;
  params: NetworkParams;
  logger?: Logger;
  /** Seconds since the epoch. */
  now?: () => number;
}

export class LocalWork implements WorkSource {
  private readonly refreshMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;

  /** A payout or tag our chain would refuse is a configuration error, raised here before any hashing. */
  constructor(
    private readonly options: LocalWorkOptions,
    private readonly modules: LocalWorkModules,
  ) {
    checkPayoutScript(options.payoutScript, modules.params);
    checkCoinbaseTag(options.coinbaseTag);
    this.refreshMs = (options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS) * 1000;
    this.logger = modules.logger ?? silentLogger;
    this.now = modules.now ?? unixNow;
  }

  async template(extraNonce: bigint): Promise<BlockTemplate> {
    // The mempool removes a connected block's txs in its own queue; let it finish first.
    await this.modules.source.idle?.();
    return this.build(extraNonce);
  }

  stale(template: BlockTemplate, signal: AbortSignal): Promise<BlockTemplate | undefined> {
    const { chain } = this.modules;
    return new Promise((resolve) => {
      const done = (replacement: BlockTemplate | undefined): void => {
        chain.off('tipChanged', onTip);
        clearInterval(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(replacement);
      };
      const onTip = ({ tip }: TipChangedEvent): void => {
        if (tip.hash !== template.previousHash) done(undefined);
      };
      const onAbort = (): void => done(undefined);
      const timer = setInterval(() => {
        const fresh = this.refresh(template);
        if (fresh) done(fresh);
      }, this.refreshMs);
      timer.unref();
      chain.on('tipChanged', onTip);
      signal.addEventListener('abort', onAbort);
      if (signal.aborted || !this.extendsTip(template)) done(undefined);
    });
  }

  extendsTip(template: BlockTemplate): boolean {
    return template.previousHash === this.modules.chain.tip.hash;
  }

  /** A candidate on the same tip when the source's transactions changed, else undefined. */
  private refresh(current: BlockTemplate): BlockTemplate | undefined {
    if (!this.extendsTip(current)) return undefined; // the tip listener answers that
    try {
      const fresh = this.build(current.extraNonce);
      return fresh.fees === current.fees && fresh.txs.length === current.txs.length ? undefined : fresh;
    } catch (err) {
      this.logger.error({ err }, 'template refresh failed');
      return undefined;
    }
  }

  private build(extraNonce: bigint): BlockTemplate {
    const { payoutScript, coinbaseTag, maxWeight } = this.options;
    return templateOnChain(this.modules.chain, { params: this.modules.params, payoutScript, extraNonce, coinbaseTag, now: this.now(), source: this.modules.source, maxWeight });
  }
}

/** Our block enters through processBlock like any peer's; a rule error is the sink's "rejected". */
export function chainSink(chain: Pick<MinerChain, 'processBlock'>): SolutionSink {
  return {
    async submit(block: Block): Promise<SubmitOutcome> {
      try {
        const { status } = await chain.processBlock(block);
        return { accepted: status === 'connected' || status === 'side-chain', status };
      } catch (err) {
        if (!isRuleError(err)) throw err;
        return { rejected: true, code: err.code, message: err.message };
      }
    },
  };
}

export interface LocalMinerModules extends LocalWorkModules {
  searcher: NonceSearcher;
}

/** The node's miner: the loop on the local block assembler, submitting to the chain. */
export function localMiner(options: LocalWorkOptions & MinerOptions, modules: LocalMinerModules): Miner {
  const { chain, searcher, logger, now } = modules;
  const work = new LocalWork(options, modules);
  return new Miner(options, { work, sink: chainSink(chain), searcher, logger, now });
}
