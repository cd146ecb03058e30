/**
 * Block templates, as Core's CreateNewBlock: a coinbase paying subsidy + fees, transactions chosen
 * by ancestor fee rate, the witness commitment, and a header ready for the nonce search.
 */
import { decodeCompact } from '../consensus/compact.js';
import { MAX_BLOCK_SIGOPS_COST, legacySigOpCount } from '../consensus/sigops.js';
import { blockSubsidy } from '../consensus/subsidy.js';
import type { NetworkParams } from '../params/types.js';
import { Block } from '../primitives/block.js';
import { BlockHeader } from '../primitives/header.js';
import { computeMerkleRoot } from '../primitives/merkle.js';
import { WITNESS_SCALE_FACTOR } from '../primitives/transaction.js';
import { type CoinbaseSpec, buildCoinbase, checkPayoutScript, witnessCommitmentScript } from './coinbase.js';
import type { TemplateSource } from './interfaces.js';
import { firstLeafBranch, rootFromBranch } from './merkle-branch.js';
import { type SelectedTx, selectPackages } from './package-selection.js';

/** BIP9's top bits with no deployment signalled, as Core's miner sets. */
export const TEMPLATE_BLOCK_VERSION = 0x20000000;
/** Core keeps this much weight and sigop cost back for the header and coinbase. */
export const COINBASE_RESERVED_WEIGHT = 4000;
export const COINBASE_RESERVED_SIGOPS = 400;

export interface TemplateInput {
  tip: { hash: string; height: number; time: number; hashBytes: Uint8Array };
  /** Bits the next block must carry (chain.nextBits()). */
  bits: number;
  /** The tip's median time past: the new block's time must be above it. */
  medianTimePast: number;
  params: NetworkParams;
  payoutScript: Uint8Array;
  extraNonce: number | bigint;
  coinbaseTag?: Uint8Array;
  /** Seconds since the epoch. */
  now: number;
  source: TemplateSource;
  /** Whole-block weight limit; defaults to Core's: the consensus limit minus the coinbase reserve. */
  maxWeight?: number;
}

export interface TemplateParts {
  block: Block;
  height: number;
  fees: bigint;
  txs: readonly SelectedTx[];
  weight: number;
  sigops: number;
  previousHash: string;
  mintime: number;
  extraNonce: bigint;
  coinbase: CoinbaseSpec;
  branch: readonly Uint8Array[];
}

/** A block ready for the nonce search (nonce 0), with what getblocktemplate reports about it. */
export class BlockTemplate {
  readonly block: Block;
  readonly height: number;
  readonly fees: bigint;
  readonly txs: readonly SelectedTx[];
  /** The whole block's weight and sigop cost, coinbase included. */
  readonly weight: number;
  readonly sigops: number;
  readonly previousHash: string;
  /** Earliest allowed header time: the tip's median time past + 1. */
  readonly mintime: number;
  readonly extraNonce: bigint;
  private readonly coinbase: CoinbaseSpec;
  /** The coinbase's merkle branch, so a new extranonce does not rehash every txid. */
  private readonly branch: readonly Uint8Array[];

  constructor(parts: TemplateParts) {
    this.block = parts.block;
    this.height = parts.height;
    this.fees = parts.fees;
    this.txs = parts.txs;
    this.weight = parts.weight;
    this.sigops = parts.sigops;
    this.previousHash = parts.previousHash;
    this.mintime = parts.mintime;
    this.extraNonce = parts.extraNonce;
    this.coinbase = parts.coinbase;
    this.branch = parts.branch;
  }

  get bits(): number {
    return this.block.header.bits;
  }

  get target(): bigint {
    return decodeCompact(this.bits).target;
  }

  get curtime(): number {
    return this.block.header.time;
  }

  get coinbaseValue(): bigint {
    return this.coinbase.value;
  }

  /** The 80 header bytes the nonce search works on. */
  headerBytes(): Uint8Array {
    return this.block.header.encode();
  }

  /** The same selection with a new extranonce and/or time (never below mintime): one txid and log2(n) hashes. */
  rebuild(change: { extraNonce?: number | bigint; time?: number }): BlockTemplate {
    const extraNonce = BigInt(change.extraNonce ?? this.extraNonce);
    const time = Math.max(change.time ?? this.curtime, this.mintime);
    const coinbase = buildCoinbase(this.coinbase, extraNonce);
    const merkleRoot = rootFromBranch(coinbase.txidBytes(), this.branch);
    const header = this.block.header.with({ merkleRoot, time, nonce: 0 });
    const txs = [coinbase, ...this.block.txs.slice(1)];
    return new BlockTemplate({ ...this.parts(), block: new Block(header, txs), extraNonce });
  }

  /** The solved block for a nonce the search found. */
  withNonce(nonce: number): Block {
    return new Block(this.block.header.with({ nonce }), this.block.txs);
  }

  private parts(): TemplateParts {
    const { block, height, fees, txs, weight, sigops, previousHash, mintime, extraNonce, coinbase, branch } = this;
    return { block, height, fees, txs, weight, sigops, previousHash, mintime, extraNonce, coinbase, branch };
  }
}

/** The chain as a template on its tip needs it; Chain (and MinerChain) satisfy it. */
export interface TemplateChain {
  readonly tip: TemplateInput['tip'];
  nextBits(): number;
  medianTimePast(): number;
}

/** A template on the chain's current tip: the local block assembler, for the miner and the RPC alike. */
export function templateOnChain(chain: TemplateChain, input: Omit<TemplateInput, 'tip' | 'bits' | 'medianTimePast'>): BlockTemplate {
  return buildBlockTemplate({ ...input, tip: chain.tip, bits: chain.nextBits(), medianTimePast: chain.medianTimePast() });
}

export function buildBlockTemplate(input: TemplateInput): BlockTemplate {
  const { params, tip } = input;
  checkPayoutScript(input.payoutScript, params);
  const height = tip.height + 1;
  const mintime = input.medianTimePast + 1;
  const selection = selectPackages(input.source.entries(), {
    maxWeight: clampMaxWeight(input.maxWeight ?? params.maxBlockWeight - COINBASE_RESERVED_WEIGHT, params),
    maxSigops: MAX_BLOCK_SIGOPS_COST,
    reservedWeight: COINBASE_RESERVED_WEIGHT,
    reservedSigops: COINBASE_RESERVED_SIGOPS,
    height,
    lockTimeCutoff: input.medianTimePast,
  });
  const txs = selection.txs.map((selected) => selected.entry.tx);
  const segwit = height >= params.segwitHeight;
  const coinbaseSpec: CoinbaseSpec = {
    height,
    value: blockSubsidy(height, params) + selection.fees,
    payoutScript: input.payoutScript,
    commitmentScript: segwit ? witnessCommitmentScript(witnessRoot(txs.map((tx) => tx.wtxidBytes()))) : undefined,
    coinbaseTag: input.coinbaseTag,
  };
  const extraNonce = BigInt(input.extraNonce);
  const coinbase = buildCoinbase(coinbaseSpec, extraNonce);
  const txids = txs.map((tx) => tx.txidBytes());
  const branch = firstLeafBranch(txids);
  const header = new BlockHeader({
    version: TEMPLATE_BLOCK_VERSION,
    prevHash: tip.hashBytes,
    merkleRoot: rootFromBranch(coinbase.txidBytes(), branch),
    time: Math.max(input.now, mintime),
    bits: input.bits,
    nonce: 0,
  });
  const block = new Block(header, [coinbase, ...txs]);
  return new BlockTemplate({
    block,
    height,
    fees: selection.fees,
    txs: selection.txs,
    weight: block.weight(),
    sigops: selection.sigops + legacySigOpCount(coinbase) * WITNESS_SCALE_FACTOR,
    previousHash: tip.hash,
    mintime,
    extraNonce,
    coinbase: coinbaseSpec,
    branch,
  });
}

/** BIP141's witness root over the coinbase (as zero) and the selected txs' wtxids. */
function witnessRoot(wtxids: Uint8Array[]): Uint8Array {
  return computeMerkleRoot([new Uint8Array(32), ...wtxids]).root;
}

/** Core clamps -blockmaxweight to [reserve, consensus limit - reserve]. */
function clampMaxWeight(maxWeight: number, params: NetworkParams): number {
  return Math.max(COINBASE_RESERVED_WEIGHT, Math.min(maxWeight, params.maxBlockWeight - COINBASE_RESERVED_WEIGHT));
}
