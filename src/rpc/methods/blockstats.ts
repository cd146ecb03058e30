/** getblockstats: Core's per-block statistics, fees from the block's undo data (amounts in satoshis, as Core's). */
import { blockSubsidy } from '../../consensus/subsidy.js';
import type { Block } from '../../primitives/block.js';
import { hexToHash } from '../../primitives/bytes.js';
import { compactSizeLength } from '../../primitives/index.js';
import { RpcCode, RpcError, invalidParameter, typeError } from '../errors.js';
import type { RpcBlockEntry, RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { parseHash } from '../params.js';
import { medianTime } from '../format/block.js';
import { type RpcMethod, optional, required } from './types.js';

/** Core's PER_UTXO_OVERHEAD: outpoint (36) + height/coinbase code (4) + a bool. */
const PER_UTXO_OVERHEAD = 41;
const WITNESS_SCALE_FACTOR = 4;

export const BLOCK_STATS = [
  'avgfee', 'avgfeerate', 'avgtxsize', 'blockhash', 'feerate_percentiles', 'height', 'ins', 'maxfee', 'maxfeerate', 'maxtxsize',
  'medianfee', 'mediantime', 'mediantxsize', 'minfee', 'minfeerate', 'mintxsize', 'outs', 'subsidy', 'swtotal_size', 'swtotal_weight',
  'swtxs', 'time', 'total_out', 'total_size', 'total_weight', 'totalfee', 'txs', 'utxo_increase', 'utxo_size_inc', 'utxo_increase_actual',
  'utxo_size_inc_actual',
] as const;

function outputSize(script: Uint8Array): number {
  return 8 + compactSizeLength(script.length) + script.length + PER_UTXO_OVERHEAD;
}

/** Core's CalculateTruncatedMedian (integer halves). */
function truncatedMedian(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? Math.floor((sorted[mid - 1] + sorted[mid]) / 2) : sorted[mid];
}

/** Core's CalculatePercentilesByWeight: the fee rates at the 10/25/50/75/90th percentile of weight. */
function percentilesByWeight(scores: Array<[number, number]>, totalWeight: number): number[] {
  const result = [0, 0, 0, 0, 0];
  if (scores.length === 0) return result;
  scores.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const marks = [totalWeight / 10, totalWeight / 4, totalWeight / 2, (totalWeight * 3) / 4, (totalWeight * 9) / 10];
  let next = 0;
  let cumulative = 0;
  for (const [rate, weight] of scores) {
    cumulative += weight;
    while (next < marks.length && cumulative >= marks[next]) result[next++] = rate;
  }
  for (let i = next; i < result.length; i++) result[i] = scores[scores.length - 1][0];
  return result;
}

function target(p: Params, ctx: RpcContext): RpcBlockEntry {
  const raw = p.raw(0);
  if (typeof raw === 'number') {
    const height = p.int(0);
    if (height < 0) throw invalidParameter(`Target block height ${height} is negative`);
    if (height > ctx.chain.height) throw invalidParameter(`Target block height ${height} after current tip ${ctx.chain.height}`);
    return ctx.chain.getEntryAtHeight(height)!;
  }
  if (typeof raw !== 'string') throw typeError(`JSON value of type ${raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw} is not of expected type string or number`);
  const entry = ctx.chain.getEntry(parseHash(raw, 'hash_or_height'));
  if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  if (ctx.chain.getEntryAtHeight(entry.height) !== entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block is not in chain');
  return entry;
}

function selectedStats(p: Params): string[] | undefined {
  if (!p.has(1)) return undefined;
  const stats = p.array(1).map((item) => {
    if (typeof item !== 'string') throw typeError('JSON value is not a string as expected');
    return item;
  });
  return stats.length === 0 ? undefined : stats;
}

export function blockStats(ctx: RpcContext, entry: RpcBlockEntry, block: Block, spent: ReadonlyArray<{ value: bigint; script: Uint8Array }>): Record<string, unknown> {
  let inputs = 0, outputs = 0, utxos = 0, totalOut = 0n, totalFee = 0n;
  let totalSize = 0, totalWeight = 0, swTxs = 0, swTotalSize = 0, swTotalWeight = 0;
  let maxFee = 0n, minFee: bigint | undefined, maxFeeRate = 0, minFeeRate: number | undefined, maxTxSize = 0, minTxSize: number | undefined;
  let utxoSizeInc = 0, utxoSizeIncActual = 0;
  const fees: number[] = [];
  const sizes: number[] = [];
  const feeRates: Array<[number, number]> = [];
  let spentIndex = 0;
  for (const tx of block.txs) {
    outputs += tx.outputs.length;
    let txOut = 0n;
    for (const output of tx.outputs) {
      txOut += output.value;
      const size = outputSize(output.script);
      utxoSizeInc += size;
      // Genesis outputs never enter the UTXO set; OP_RETURN outputs are unspendable.
      if (entry.height === 0 || (output.script.length > 0 && output.script[0] === 0x6a)) continue;
      utxos++;
      utxoSizeIncActual += size;
    }
    if (tx.isCoinbase()) continue;
    inputs += tx.inputs.length;
    totalOut += txOut;
    const size = tx.size();
    const weight = tx.weight();
    sizes.push(size);
    maxTxSize = Math.max(maxTxSize, size);
    minTxSize = Math.min(minTxSize ?? size, size);
    totalSize += size;
    totalWeight += weight;
    if (tx.hasWitness()) {
      swTxs++;
      swTotalSize += size;
      swTotalWeight += weight;
    }
    let txIn = 0n;
    for (let i = 0; i < tx.inputs.length; i++) {
      const coin = spent[spentIndex++];
      if (!coin) throw new RpcError(RpcCode.MISC_ERROR, "Can't read undo data from disk");
      txIn += coin.value;
      utxoSizeInc -= outputSize(coin.script);
      utxoSizeIncActual -= outputSize(coin.script);
    }
    const fee = txIn - txOut;
    fees.push(Number(fee));
    maxFee = fee > maxFee ? fee : maxFee;
    minFee = minFee === undefined || fee < minFee ? fee : minFee;
    totalFee += fee;
    const feeRate = weight ? Math.floor((Number(fee) * WITNESS_SCALE_FACTOR) / weight) : 0;
    feeRates.push([feeRate, weight]);
    maxFeeRate = Math.max(maxFeeRate, feeRate);
    minFeeRate = Math.min(minFeeRate ?? feeRate, feeRate);
  }
  const paying = block.txs.length - 1;
  return {
    avgfee: paying > 0 ? Number(totalFee / BigInt(paying)) : 0,
    avgfeerate: totalWeight ? Math.floor((Number(totalFee) * WITNESS_SCALE_FACTOR) / totalWeight) : 0,
    avgtxsize: paying > 0 ? Math.floor(totalSize / paying) : 0,
    blockhash: entry.hash,
    feerate_percentiles: percentilesByWeight(feeRates, totalWeight),
    height: entry.height,
    ins: inputs,
    maxfee: Number(maxFee),
    maxfeerate: maxFeeRate,
    maxtxsize: maxTxSize,
    medianfee: truncatedMedian(fees),
    mediantime: medianTime(entry),
    mediantxsize: truncatedMedian(sizes),
    minfee: Number(minFee ?? 0n),
    minfeerate: minFeeRate ?? 0,
    mintxsize: minTxSize ?? 0,
    outs: outputs,
    subsidy: Number(blockSubsidy(entry.height, ctx.params)),
    swtotal_size: swTotalSize,
    swtotal_weight: swTotalWeight,
    swtxs: swTxs,
    time: entry.header.time,
    total_out: Number(totalOut),
    total_size: totalSize,
    total_weight: totalWeight,
    totalfee: Number(totalFee),
    txs: block.txs.length,
    utxo_increase: outputs - inputs,
    utxo_size_inc: utxoSizeInc,
    utxo_increase_actual: utxos - inputs,
    utxo_size_inc_actual: utxoSizeIncActual,
  };
}

async function getBlockStats(p: Params, ctx: RpcContext): Promise<Record<string, unknown>> {
  const entry = target(p, ctx);
  const stats = selectedStats(p);
  if (stats) {
    const unknown = stats.find((stat) => !(BLOCK_STATS as readonly string[]).includes(stat));
    if (unknown !== undefined) throw invalidParameter(`Invalid selected statistic '${unknown}'`);
  }
  const block = await ctx.chain.getBlock(entry.hash);
  if (!block) throw new RpcError(RpcCode.MISC_ERROR, 'Block not available');
  const spent = entry.height === 0 ? [] : await ctx.chain.store.getUndo(hexToHash(entry.hash));
  if (!spent) throw new RpcError(RpcCode.MISC_ERROR, "Can't read undo data from disk");
  const all = blockStats(ctx, entry, block, spent);
  if (!stats) return all;
  return Object.fromEntries(stats.map((stat) => [stat, all[stat]]));
}

export const blockStatsMethods: RpcMethod[] = [
  { name: 'getblockstats', group: 'blockchain', args: [required('hash_or_height'), optional('stats')], summary: 'Per-block statistics (fees, sizes, fee-rate percentiles), amounts in satoshis; `stats` picks fields.', run: getBlockStats },
];
