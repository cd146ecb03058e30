/**
 * The miner's coinbase: BIP34 height, an 8-byte extranonce and an optional tag in the scriptSig;
 * the payout output and BIP141's witness commitment; the reserved value as its witness.
 */
import { encodeCoinbaseHeight } from '../consensus/block-context.js';
import { classifyOutputScript } from '../consensus/script.js';
import type { NetworkParams } from '../params/types.js';
import { WITNESS_COMMITMENT_PREFIX } from '../primitives/block.js';
import { concatBytes, toHex } from '../primitives/bytes.js';
import { witnessCommitmentHash } from '../primitives/merkle.js';
import { OutPoint } from '../primitives/outpoint.js';
import { Transaction, type TxOutput } from '../primitives/transaction.js';

/** Core's CheckTransaction upper bound on a coinbase scriptSig (the height push alone meets the lower one, 2). */
export const MAX_COINBASE_SCRIPT_SIG = 100;
export const EXTRA_NONCE_BYTES = 8;
/** A direct push must stay below OP_PUSHDATA1, so the tag is always one push opcode plus data. */
const MAX_DIRECT_PUSH = 75;
/** BIP141's reserved value: 32 zero bytes, as Core's miner uses. */
export const WITNESS_RESERVED_VALUE: Uint8Array = new Uint8Array(32);
const MAX_EXTRA_NONCE = (1n << 64n) - 1n;

export interface CoinbaseSpec {
  height: number;
  /** Subsidy plus fees. */
  value: bigint;
  payoutScript: Uint8Array;
  /** The `OP_RETURN aa21a9ed ...` output script, fixed for a tx selection; absent before segwit activates. */
  commitmentScript?: Uint8Array;
  coinbaseTag?: Uint8Array;
}

/**
 * `height push | 08 <extranonce LE> | [tag push]`. Pushes (rather than raw bytes) keep the
 * scriptSig a parseable script, as Core's miner does. Throws when the tag makes it too long.
 */
export function coinbaseScriptSig(height: number, extraNonce: bigint, tag?: Uint8Array): Uint8Array {
  if (extraNonce < 0n || extraNonce > MAX_EXTRA_NONCE) throw new RangeError(`extranonce ${extraNonce} does not fit 8 bytes`);
  const nonce = new Uint8Array(1 + EXTRA_NONCE_BYTES);
  nonce[0] = EXTRA_NONCE_BYTES;
  new DataView(nonce.buffer).setBigUint64(1, extraNonce, true);
  const parts = [encodeCoinbaseHeight(height), nonce];
  if (tag && tag.length > 0) {
    if (tag.length > MAX_DIRECT_PUSH) throw new RangeError(`coinbase tag of ${tag.length} bytes is longer than ${MAX_DIRECT_PUSH}`);
    parts.push(Uint8Array.of(tag.length), tag);
  }
  const script = concatBytes(...parts);
  if (script.length > MAX_COINBASE_SCRIPT_SIG) {
    throw new RangeError(`coinbase scriptSig of ${script.length} bytes exceeds ${MAX_COINBASE_SCRIPT_SIG}: shorten the tag`);
  }
  return script;
}

/** BIP141: `OP_RETURN 36 aa21a9ed || sha256d(witnessRoot || reservedValue)`. */
export function witnessCommitmentScript(witnessRoot: Uint8Array, reserved = WITNESS_RESERVED_VALUE): Uint8Array {
  return concatBytes(WITNESS_COMMITMENT_PREFIX, witnessCommitmentHash(witnessRoot, reserved));
}

/**
 * The coinbase for `spec` with this extranonce. The commitment does not depend on the coinbase
 * (its wtxid counts as zero), so only the txid changes with the extranonce. The commitment
 * output comes last: Core looks for the last matching output.
 */
export function buildCoinbase(spec: CoinbaseSpec, extraNonce: bigint): Transaction {
  const outputs: TxOutput[] = [{ value: spec.value, script: spec.payoutScript }];
  // Without a commitment a witness (even the reserved value) would make the block invalid.
  if (spec.commitmentScript) outputs.push({ value: 0n, script: spec.commitmentScript });
  return new Transaction({
    version: 2,
    inputs: [
      {
        prevout: OutPoint.null(),
        scriptSig: coinbaseScriptSig(spec.height, extraNonce, spec.coinbaseTag),
        sequence: 0xffffffff,
        witness: spec.commitmentScript ? [WITNESS_RESERVED_VALUE] : [],
      },
    ],
    outputs,
    locktime: 0,
  });
}

/** A payout our own chain would refuse is a configuration error: fail before hashing, not after. */
export function checkPayoutScript(script: Uint8Array, params: NetworkParams): void {
  if (params.p2wpkhOnly && classifyOutputScript(script) !== 'p2wpkh') {
    throw new RangeError(`payout script ${toHex(script)} is not P2WPKH`);
  }
}

/** Throws now, rather than at every template, when a tag cannot fit beside the largest height and the extranonce. */
export function checkCoinbaseTag(tag: Uint8Array | undefined): void {
  coinbaseScriptSig(0x7fffffff, 0n, tag);
}
