import { ZERO_HASH } from '../primitives/bytes.js';
import { sha256d } from '../primitives/hash.js';
import type { Transaction, TxOutput } from '../primitives/transaction.js';
import { ByteWriter } from '../primitives/writer.js';

export const SIGHASH_ALL = 0x01;
export const SIGHASH_NONE = 0x02;
export const SIGHASH_SINGLE = 0x03;
export const SIGHASH_ANYONECANPAY = 0x80;

/** The six hash types Core's STRICTENC accepts; any other last byte of a signature is refused. */
export const SIGHASH_TYPES: readonly number[] = [
  SIGHASH_ALL,
  SIGHASH_NONE,
  SIGHASH_SINGLE,
  SIGHASH_ALL | SIGHASH_ANYONECANPAY,
  SIGHASH_NONE | SIGHASH_ANYONECANPAY,
  SIGHASH_SINGLE | SIGHASH_ANYONECANPAY,
];

/** Core's IsDefinedHashtypeSignature on the hash type byte. */
export function isDefinedSighashType(type: number): boolean {
  const base = type & ~SIGHASH_ANYONECANPAY;
  return Number.isInteger(type) && type >= 0 && type <= 0xff && base >= SIGHASH_ALL && base <= SIGHASH_SINGLE;
}

/**
 * BIP143's three whole-transaction hashes, each computed at most once per transaction
 * (Core's PrecomputedTransactionData): without it a tx with n inputs costs O(n^2) to verify.
 * Witnesses are not part of any of them, so the cache built on an unsigned tx serves its signing too.
 */
export class SighashCache {
  private prevouts?: Uint8Array;
  private sequences?: Uint8Array;
  private outputs?: Uint8Array;

  constructor(readonly tx: Transaction) {}

  /** sha256d of every input's outpoint. */
  hashPrevouts(): Uint8Array {
    return (this.prevouts ??= hashPrevouts(this.tx));
  }

  /** sha256d of every input's nSequence. */
  hashSequence(): Uint8Array {
    return (this.sequences ??= hashSequence(this.tx));
  }

  /** sha256d of every output, serialized as in the tx. */
  hashOutputs(): Uint8Array {
    return (this.outputs ??= hashOutputList(this.tx.outputs));
  }
}

function hashPrevouts(tx: Transaction): Uint8Array {
  const writer = new ByteWriter(36 * tx.inputs.length);
  for (const input of tx.inputs) input.prevout.write(writer);
  return sha256d(writer.finish());
}

function hashSequence(tx: Transaction): Uint8Array {
  const writer = new ByteWriter(4 * tx.inputs.length);
  for (const input of tx.inputs) writer.u32(input.sequence);
  return sha256d(writer.finish());
}

function hashOutputList(outputs: readonly TxOutput[]): Uint8Array {
  const writer = new ByteWriter();
  for (const output of outputs) writer.i64(output.value).varBytes(output.script);
  return sha256d(writer.finish());
}

/**
 * BIP143's signed message before hashing. `scriptCode` is the bare script (the P2WPKH one from
 * `p2wpkhScriptCode`); its length prefix is written here. `value` is the spent output's amount.
 */
export function bip143Preimage(
  tx: Transaction,
  inputIndex: number,
  scriptCode: Uint8Array,
  value: bigint,
  sighashType: number,
  cache: SighashCache = new SighashCache(tx),
): Uint8Array {
  const input = tx.inputs[inputIndex];
  if (input === undefined) throw new RangeError(`input ${inputIndex} of ${tx.inputs.length}`);
  if (cache.tx !== tx) throw new Error('SighashCache belongs to another transaction');
  const writer = new ByteWriter(156 + scriptCode.length);
  writer.u32(tx.version);
  writer.bytes(committedPrevouts(sighashType, cache));
  writer.bytes(committedSequence(sighashType, cache));
  input.prevout.write(writer);
  writer.varBytes(scriptCode);
  writer.i64(value);
  writer.u32(input.sequence);
  writer.bytes(committedOutputs(tx, inputIndex, sighashType, cache));
  writer.u32(tx.locktime);
  writer.u32(sighashType);
  return writer.finish();
}

/** BIP143 signature hash: sha256d of the preimage, the 32 bytes that ECDSA signs. */
export function bip143Sighash(
  tx: Transaction,
  inputIndex: number,
  scriptCode: Uint8Array,
  value: bigint,
  sighashType: number,
  cache?: SighashCache,
): Uint8Array {
  return sha256d(bip143Preimage(tx, inputIndex, scriptCode, value, sighashType, cache));
}

// The masks below are Core's: the base type is the low 5 bits, ANYONECANPAY the 0x80 bit.
function baseType(sighashType: number): number {
  return sighashType & 0x1f;
}

function anyoneCanPay(sighashType: number): boolean {
  return (sighashType & SIGHASH_ANYONECANPAY) !== 0;
}

/** ANYONECANPAY signs only its own input, so other inputs may be added. */
function committedPrevouts(sighashType: number, cache: SighashCache): Uint8Array {
  return anyoneCanPay(sighashType) ? ZERO_HASH : cache.hashPrevouts();
}

/** NONE and SINGLE let other inputs' sequences change (they may be replaced); ANYONECANPAY does not know them. */
function committedSequence(sighashType: number, cache: SighashCache): Uint8Array {
  const base = baseType(sighashType);
  if (anyoneCanPay(sighashType) || base === SIGHASH_SINGLE || base === SIGHASH_NONE) return ZERO_HASH;
  return cache.hashSequence();
}

/**
 * ALL signs every output; SINGLE only the output at its own index; NONE none.
 * SINGLE with no output at that index signs zero (BIP143 drops the legacy "hash of one" bug).
 */
function committedOutputs(tx: Transaction, inputIndex: number, sighashType: number, cache: SighashCache): Uint8Array {
  const base = baseType(sighashType);
  if (base !== SIGHASH_SINGLE && base !== SIGHASH_NONE) return cache.hashOutputs();
  if (base === SIGHASH_SINGLE && inputIndex < tx.outputs.length) return hashOutputList([tx.outputs[inputIndex]]);
  return ZERO_HASH;
}
