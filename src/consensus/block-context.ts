/**
 * Block rules that need the block's place in the chain but not the UTXO set: Bitcoin Core's
 * ContextualCheckBlock, one function per rule, plus powcoin's output-script restriction.
 */
import { bytesEqual } from '../primitives/bytes.js';
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';
import type { NetworkParams } from '../params/types.js';
import { RuleError } from './errors.js';
import { checkOutputScripts } from './script.js';

/** Lock times below this are block heights, at or above it Unix times. */
export const LOCKTIME_THRESHOLD = 500_000_000;
export const SEQUENCE_FINAL = 0xffffffff;

export interface BlockContext {
  /** Height the block will have. */
  height: number;
  /** Median time past of the parent (its own and the 10 before it). */
  medianTimePast: number;
}

/** Runs every contextual rule in Core's order on a block that passed checkBlock; throws the first RuleError. */
export function checkBlockContext(block: Block, context: BlockContext, params: NetworkParams): void {
  checkBlockFinality(block, context);
  checkCoinbaseHeight(block, context.height, params);
  checkWitnessCommitment(block, context.height >= params.segwitHeight);
  checkBlockWeight(block, params);
  if (params.p2wpkhOnly) checkBlockOutputScripts(block);
}

/** Core's IsFinalTx: locktime 0, a locktime already passed, or every input's sequence final. */
export function isFinalTx(tx: Transaction, height: number, lockTimeCutoff: number): boolean {
  if (tx.locktime === 0) return true;
  const limit = tx.locktime < LOCKTIME_THRESHOLD ? height : lockTimeCutoff;
  if (tx.locktime < limit) return true;
  return tx.inputs.every((input) => input.sequence === SEQUENCE_FINAL);
}

/**
 * BIP113 from genesis: time locks are compared with the parent's median time past, not the
 * block's own time, which the miner chooses and could push forward.
 */
export function checkBlockFinality(block: Block, context: BlockContext): void {
  for (const tx of block.txs) {
    if (!isFinalTx(tx, context.height, context.medianTimePast)) {
      throw new RuleError('bad-txns-nonfinal', `non-final transaction ${tx.txid()}`);
    }
  }
}

/**
 * Core's `CScript() << nHeight`: OP_0 for 0, OP_1..OP_16 for 1..16, otherwise a direct push of
 * the minimal little-endian CScriptNum (a 0x00 byte added when the top bit would read as a sign).
 * The miner puts exactly these bytes at the start of the coinbase scriptSig.
 */
export function encodeCoinbaseHeight(height: number): Uint8Array {
  if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`invalid block height ${height}`);
  if (height === 0) return Uint8Array.of(0x00);
  if (height <= 16) return Uint8Array.of(0x50 + height);
  const num: number[] = [];
  for (let v = height; v > 0; v = Math.floor(v / 256)) num.push(v % 256);
  if (num[num.length - 1] & 0x80) num.push(0);
  // At most 7 bytes for any safe integer, so always a direct push (length byte below OP_PUSHDATA1).
  return Uint8Array.of(num.length, ...num);
}

/** BIP34: the coinbase scriptSig starts with the height, so every coinbase (and txid) is unique. */
export function checkCoinbaseHeight(block: Block, height: number, params: NetworkParams): void {
  if (height < params.bip34Height) return;
  const expect = encodeCoinbaseHeight(height);
  const scriptSig = block.txs[0].inputs[0].scriptSig;
  if (scriptSig.length < expect.length || !bytesEqual(scriptSig.subarray(0, expect.length), expect)) {
    throw new RuleError('bad-cb-height', 'block height mismatch in coinbase');
  }
}

/**
 * Core's CheckWitnessMalleation. Witnesses are outside the txid merkle tree, so every failure
 * here may be a relay altering witnesses of a valid block: corruption possible, never mark the
 * hash invalid. Without a commitment (or before segwit) no witness data is allowed at all.
 */
export function checkWitnessCommitment(block: Block, segwitActive: boolean): void {
  const index = segwitActive ? block.witnessCommitmentIndex() : -1;
  if (index >= 0) {
    const witness = block.txs[0].inputs[0].witness;
    if (witness.length !== 1 || witness[0].length !== 32) {
      throw new RuleError('bad-witness-nonce-size', 'invalid witness reserved value size');
    }
    const committed = block.txs[0].outputs[index].script.subarray(6, 38);
    if (!bytesEqual(block.expectedWitnessCommitment(witness[0]), committed)) {
      throw new RuleError('bad-witness-merkle-match', 'witness merkle commitment mismatch');
    }
    return;
  }
  for (const tx of block.txs) {
    if (tx.hasWitness()) {
      throw new RuleError('unexpected-witness', `unexpected witness data found in ${tx.txid()}`);
    }
  }
}

/** BIP141 weight; checked after the commitment so the witness bytes being weighed are the committed ones. */
export function checkBlockWeight(block: Block, params: NetworkParams): void {
  const weight = block.weight();
  if (weight > params.maxBlockWeight) throw new RuleError('bad-blk-weight', `weight limit failed (${weight})`);
}

/** powcoin: only P2WPKH and OP_RETURN outputs, coinbase included (script.ts holds the rule). */
export function checkBlockOutputScripts(block: Block): void {
  for (const tx of block.txs) checkOutputScripts(tx);
}
