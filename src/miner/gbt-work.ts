/**
 * The standalone miner's ends of the mining loop: templates from a node's getblocktemplate, kept
 * fresh by BIP22 long polling (a request carrying the template's longpollid, which the node
 * answers with a new template when the tip moves or, after a while, the pool changed), and
 * solutions through submitblock. The RPC client is passed in: the miner does not import rpc/.
 */
import { unixNow } from '../consensus/header-checks.js';
import type { Block } from '../primitives/block.js';
import { toHex } from '../primitives/bytes.js';
import { templateFromGbt } from './gbt-template.js';
import type { NonceSearcher } from './interfaces.js';
import { Miner, type MinerOptions } from './miner.js';
import type { BlockTemplate } from './template.js';
import type { SolutionSink, SubmitOutcome, WorkSource } from './work.js';
import type { Logger } from '../util/logger.js';

/** A JSON-RPC client; the rpc layer's RpcClient satisfies it. */
export interface MiningRpc {
  call<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
}

const GBT_REQUEST = { rules: ['segwit'] };

export interface GbtWorkModules {
  rpc: MiningRpc;
  /** Seconds since the epoch. */
  now?: () => number;
}

export class GbtWork implements WorkSource {
  private readonly now: () => number;
  /** The tip of the node's latest answer. */
  private tip: string | undefined;
  private readonly longPollIds = new WeakMap<BlockTemplate, string>();

  constructor(
    private readonly options: { payoutScript: Uint8Array },
    private readonly modules: GbtWorkModules,
  ) {
    this.now = modules.now ?? unixNow;
  }

  async template(extraNonce: bigint): Promise<BlockTemplate> {
    return this.adopt(await this.modules.rpc.call('getblocktemplate', [GBT_REQUEST]), extraNonce);
  }

  /** The long poll answers with the next template; a node without long polling never makes work stale. */
  async stale(template: BlockTemplate, signal: AbortSignal): Promise<BlockTemplate | undefined> {
    const id = this.longPollIds.get(template);
    if (id === undefined) return new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    // The request cannot be withdrawn; an answer that comes after the abort is ignored.
    const answer = await this.modules.rpc.call('getblocktemplate', [{ ...GBT_REQUEST, longpollid: id }]);
    return signal.aborted ? undefined : this.adopt(answer, template.extraNonce);
  }

  extendsTip(template: BlockTemplate): boolean {
    return template.previousHash === this.tip;
  }

  private adopt(answer: unknown, extraNonce: bigint): BlockTemplate {
    const template = templateFromGbt(answer, this.options.payoutScript, extraNonce, this.now());
    this.tip = template.previousHash;
    const id = (answer as { longpollid?: unknown }).longpollid;
    if (typeof id === 'string') this.longPollIds.set(template, id);
    return template;
  }
}

/**
 * BIP22's answer: null when the block became the tip, else a reason. `duplicate` and
 * `inconclusive` (stored, not the tip) are not refusals; anything else is the rule it broke.
 */
export function submitBlockSink(rpc: MiningRpc): SolutionSink {
  return {
    async submit(block: Block): Promise<SubmitOutcome> {
      const verdict = await rpc.call<string | null>('submitblock', [toHex(block.encode())]);
      if (verdict === null) return { accepted: true, status: 'connected' };
      if (verdict === 'duplicate' || verdict === 'inconclusive') return { accepted: false, status: verdict };
      return { rejected: true, code: String(verdict), message: `submitblock: ${verdict}` };
    },
  };
}

export interface GbtMinerModules {
  rpc: MiningRpc;
  searcher: NonceSearcher;
  logger?: Logger;
  now?: () => number;
}

/** The standalone miner: the loop on a node's getblocktemplate, submitting with submitblock. */
export function gbtMiner(options: { payoutScript: Uint8Array } & MinerOptions, modules: GbtMinerModules): Miner {
  const { rpc, searcher, logger, now } = modules;
  return new Miner(options, { work: new GbtWork(options, { rpc, now }), sink: submitBlockSink(rpc), searcher, logger, now });
}
