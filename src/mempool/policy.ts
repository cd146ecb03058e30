/**
 * Relay policy: rules a node applies to unconfirmed transactions on top of consensus, as Core's
 * policy.cpp and the policy parts of MemPoolAccept. A miner may still put any of these in a
 * block, so every failure here is `ignore`: the sender did nothing invalid and is not punished.
 */
import { classifyOutputScript } from '../consensus/script.js';
import type { Transaction, TxOutput } from '../primitives/transaction.js';
import { compactSizeLength } from '../primitives/writer.js';
import type { MempoolEntry } from './entry.js';
import type { MempoolOptions } from './options.js';
import { policyError } from './policy-codes.js';

/** Core's TX_MAX_STANDARD_VERSION before v3 (TRUC) transactions. */
const MIN_STANDARD_VERSION = 1;
const MAX_STANDARD_VERSION = 2;
/**
 * Bytes it takes to spend a witness output, as Core counts for dust: outpoint 32+4, empty
 * scriptSig length 1, sequence 4, and a 107-byte witness at a quarter weight (26).
 */
const WITNESS_SPEND_BYTES = 32 + 4 + 1 + 26 + 4;

/** Core's IsStandardTx, for powcoin's two output kinds; throws the first failure. */
export function checkStandard(tx: Transaction, options: MempoolOptions): void {
  checkVersion(tx);
  checkWeight(tx, options);
  checkOutputsStandard(tx, options);
}

export function checkVersion(tx: Transaction): void {
  if (tx.version < MIN_STANDARD_VERSION || tx.version > MAX_STANDARD_VERSION) throw policyError('version', `version ${tx.version}`);
}

/** Big transactions make block building and relay expensive, and are a DoS lever. */
export function checkWeight(tx: Transaction, options: MempoolOptions): void {
  if (tx.weight() > options.maxStandardWeight) throw policyError('tx-size', `weight ${tx.weight()}`);
}

/**
 * Each output is P2WPKH or OP_RETURN data of bounded size; at most one OP_RETURN (data is
 * tolerated, not encouraged); no P2WPKH output so small it costs more to spend than it holds.
 */
export function checkOutputsStandard(tx: Transaction, options: MempoolOptions): void {
  let dataOutputs = 0;
  tx.outputs.forEach((output, i) => {
    const kind = classifyOutputScript(output.script);
    if (kind === 'nonstandard') throw policyError('scriptpubkey', `output ${i}`);
    if (kind === 'nulldata') {
      if (output.script.length > options.maxDatacarrierBytes) throw policyError('scriptpubkey', `output ${i}: ${output.script.length}-byte OP_RETURN`);
      dataOutputs++;
    }
  });
  if (dataOutputs > 1) throw policyError('multi-op-return');
  tx.outputs.forEach((output, i) => {
    if (isDust(output, options.dustRelayFeeRate)) throw policyError('dust', `output ${i} pays ${output.value}`);
  });
}

/** Core's GetDustThreshold: the cost of creating and spending it at dustRelayFeeRate (98 vB × 3 sat/vB = 294 sat for P2WPKH). */
export function dustThreshold(output: TxOutput, dustRelayFeeRate: number): bigint {
  if (classifyOutputScript(output.script) === 'nulldata') return 0n; // unspendable: never enters the UTXO set
  const outputBytes = 8 + compactSizeLength(output.script.length) + output.script.length;
  return feeFor(dustRelayFeeRate, outputBytes + WITNESS_SPEND_BYTES);
}

export function isDust(output: TxOutput, dustRelayFeeRate: number): boolean {
  return output.value < dustThreshold(output, dustRelayFeeRate);
}

/** Core's CFeeRate::GetFee: the fee at `rate` sat/kvB for `vsize`, at least 1 sat when the rate is positive. */
export function feeFor(rate: number, vsize: number): bigint {
  const fee = (BigInt(rate) * BigInt(vsize)) / 1000n;
  return fee === 0n && rate > 0 && vsize > 0 ? 1n : fee;
}

/** Core's CheckFeeRate: the pool's current floor first (it names the cause better), then the relay minimum. */
export function checkFeeRate(fee: bigint, vsize: number, mempoolMinFeeRate: number, options: MempoolOptions): void {
  const poolFloor = feeFor(mempoolMinFeeRate, vsize);
  if (mempoolMinFeeRate > 0 && fee < poolFloor) throw policyError('mempool min fee not met', `${fee} < ${poolFloor}`);
  const relayFloor = feeFor(options.minRelayFeeRate, vsize);
  if (fee < relayFloor) throw policyError('min relay fee not met', `${fee} < ${relayFloor}`);
}

/**
 * Core's package limits: long chains of unconfirmed txs make eviction, block building and
 * reorgs quadratic. `ancestors` are the new tx's in-pool ancestors (itself excluded).
 */
export function checkPackageLimits(vsize: number, ancestors: Iterable<MempoolEntry>, options: MempoolOptions): void {
  let count = 1;
  let size = vsize;
  for (const ancestor of ancestors) {
    count++;
    size += ancestor.vsize;
    if (ancestor.descendant.count + 1 > options.descendantLimit) {
      throw policyError('too-long-mempool-chain', `too many descendants for tx ${ancestor.txid} [limit: ${options.descendantLimit}]`);
    }
    if (ancestor.descendant.vsize + vsize > options.descendantSizeLimit) {
      throw policyError('too-long-mempool-chain', `exceeds descendant size limit for tx ${ancestor.txid} [limit: ${options.descendantSizeLimit}]`);
    }
  }
  if (count > options.ancestorLimit) throw policyError('too-long-mempool-chain', `too many unconfirmed ancestors [limit: ${options.ancestorLimit}]`);
  if (size > options.ancestorSizeLimit) throw policyError('too-long-mempool-chain', `exceeds ancestor size limit [limit: ${options.ancestorSizeLimit}]`);
}
