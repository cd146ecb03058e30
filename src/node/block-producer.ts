/**
 * The RPC's block production: templates for getblocktemplate and generate* (the same local block
 * assembler as the miner's, templateOnChain), and generate*'s nonce search with a `maxtries`
 * budget. That search runs inline on the RPC's thread in slices, as Core's generateBlocks does:
 * on regtest a block needs a couple of hashes, so a worker round trip would cost more than the
 * work; slices keep the node answering during a long search on a harder network. The mining
 * loop (--mine, its paced regtest form, `powcoin mine`) is src/miner/miner.ts.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { unixNow } from '../consensus/header-checks.js';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../miner/miner.js';
import type { TemplateEntry, TemplateSource } from '../miner/interfaces.js';
import { searchNonces } from '../miner/search.js';
import { type BlockTemplate, templateOnChain } from '../miner/template.js';
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';
import type { RpcBlockProducer } from '../rpc/interfaces.js';

const SLICE = 1 << 16;
const NONCE_SPACE = 2 ** 32;

export interface BlockProducerModules {
  chain: Chain;
  mempool: Mempool;
  params: NetworkParams;
  miner?: () => Miner | undefined;
  now?: () => number;
}

/** generateblock's transactions, in the caller's order, with in-list parents linked. */
export function listSource(txs: readonly Transaction[]): TemplateSource {
  const ids = new Set(txs.map((tx) => tx.txid()));
  const entries: TemplateEntry[] = txs.map((tx) => ({
    tx,
    txid: tx.txid(),
    fee: 0n, // Core's generateblock claims the subsidy only for txs it is handed
    weight: tx.weight(),
    parents: tx.inputs.map((input) => input.prevout.txidHex()).filter((txid) => ids.has(txid)),
  }));
  return { entries: () => entries };
}

export class BlockProducer implements RpcBlockProducer {
  private extraNonce = randomBytes(4).readUInt32LE();
  private readonly now: () => number;

  constructor(private readonly modules: BlockProducerModules) {
    this.now = modules.now ?? unixNow;
  }

  async template(payoutScript: Uint8Array, txs?: readonly Transaction[]): Promise<BlockTemplate> {
    const { chain, mempool, params } = this.modules;
    await mempool.idle(); // a block just connected: its txs must have left the pool
    return templateOnChain(chain, { params, payoutScript, extraNonce: this.extraNonce++, now: this.now(), source: txs ? listSource(txs) : mempool });
  }

  async solve(template: BlockTemplate, maxTries: number): Promise<{ block?: Block; tries: number }> {
    let tries = 0;
    let current = template;
    while (tries < maxTries) {
      for (let start = 0; start < NONCE_SPACE && tries < maxTries; start += SLICE) {
        const endNonce = Math.min(start + SLICE, NONCE_SPACE, start + (maxTries - tries));
        const result = searchNonces({ header: current.headerBytes(), target: current.target, startNonce: start, endNonce });
        tries += result.hashes;
        if (result.nonce !== undefined) return { block: current.withNonce(result.nonce), tries };
        await yieldToLoop();
      }
      current = current.rebuild({ extraNonce: this.extraNonce++, time: this.now() });
    }
    return { tries };
  }

  minerStats(): { running: boolean; hashrate: number; blocksFound: number } | undefined {
    return this.modules.miner?.()?.stats();
  }
}
