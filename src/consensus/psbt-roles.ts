/**
 * BIP174's signer, finalizer, extractor and Core's analyzepsbt, for the one kind of spend our
 * chain has: P2WPKH, witness [signature, compressed key]. Signatures are made by p2wpkh.ts
 * (BIP143, RFC6979, low-S), the same code the wallet's sends use. Nothing here holds keys: a
 * signer hands in the private key for each input it owns.
 */
import { bytesEqual, toHex } from '../primitives/bytes.js';
import { publicKeyHash } from '../primitives/keys.js';
import { Psbt, PsbtError, type PsbtInputView } from '../primitives/psbt.js';
import { Transaction, type TxInput, type TxOutput } from '../primitives/transaction.js';
import { isRuleError } from './errors.js';
import { p2wpkhProgram } from './script.js';
import { SIGHASH_ALL, SighashCache, isDefinedSighashType } from './sighash.js';
import { signP2wpkhInput, verifyP2wpkhInput } from './p2wpkh.js';

/** P2WPKH input vsize once signed with a 72-byte signature: (41 * 4 + 1 + 73 + 34) / 4, rounded up. */
const SIGNED_P2WPKH_INPUT_WEIGHT = 41 * 4 + 108;

export function isInputFinal(view: PsbtInputView): boolean {
  return view.finalScriptWitness !== undefined || view.finalScriptSig !== undefined;
}

/**
 * Signs input `index` with `privateKey` if the spent output is P2WPKH to that key; answers whether
 * it signed. A sighash type stored in the PSBT must match the one asked for (Core refuses both).
 */
export function signPsbtInput(psbt: Psbt, index: number, privateKey: Uint8Array, publicKey: Uint8Array, sighashType = SIGHASH_ALL): boolean {
  const view = psbt.input(index);
  if (isInputFinal(view)) return false;
  const spent = psbt.spentOutput(index);
  const program = spent && p2wpkhProgram(spent.script);
  if (!spent || !program || !bytesEqual(program, publicKeyHash(publicKey))) return false;
  if (view.sighashType !== undefined && view.sighashType !== sighashType) throw new PsbtError('mismatch', 'Specified sighash value does not match value stored in PSBT');
  if (!isDefinedSighashType(sighashType)) throw new PsbtError('bad-update', `undefined sighash type ${sighashType}`);
  const [signature] = signP2wpkhInput(psbt.tx, index, spent.value, privateKey, sighashType);
  psbt.updateInput(index, { partialSig: { publicKey, signature } });
  return true;
}

/**
 * BIP174's finalizer for P2WPKH: an input whose spent output's key has a partial signature gets
 * its final witness. Answers whether every input is final afterwards (Core's `complete`).
 */
export function finalizePsbt(psbt: Psbt): boolean {
  let complete = true;
  for (let i = 0; i < psbt.inputCount; i++) {
    const view = psbt.input(i);
    if (isInputFinal(view)) continue;
    const spent = psbt.spentOutput(i);
    const program = spent && p2wpkhProgram(spent.script);
    const sig = program && view.partialSigs.find((partial) => bytesEqual(publicKeyHash(partial.publicKey), program));
    if (!sig) {
      complete = false;
      continue;
    }
    psbt.finalizeInput(i, [sig.signature, sig.publicKey]);
  }
  return complete;
}

/** The network transaction of a finalized PSBT; throws PsbtError when an input is not final. */
export function extractTransaction(psbt: Psbt): Transaction {
  const unsigned = psbt.tx;
  const inputs = unsigned.inputs.map((input, i): TxInput => {
    const view = psbt.input(i);
    if (!isInputFinal(view)) throw new PsbtError('bad-psbt', `input ${i} is not finalized`);
    return { ...input, scriptSig: view.finalScriptSig ?? new Uint8Array(0), witness: view.finalScriptWitness ?? [] };
  });
  return new Transaction({ version: unsigned.version, inputs, outputs: unsigned.outputs, locktime: unsigned.locktime });
}

/** Sum of the spent outputs minus the outputs, when every input's spent output is known. */
export function psbtFee(psbt: Psbt): bigint | undefined {
  let total = 0n;
  for (let i = 0; i < psbt.inputCount; i++) {
    const spent = psbt.spentOutput(i);
    if (!spent) return undefined;
    total += spent.value;
  }
  return total - psbt.tx.outputs.reduce((sum, output) => sum + output.value, 0n);
}

export type PsbtRole = 'creator' | 'updater' | 'signer' | 'finalizer' | 'extractor';

export interface InputAnalysis {
  has_utxo: boolean;
  is_final: boolean;
  next?: PsbtRole;
  missing?: { pubkeys?: string[]; signatures?: string[] };
}

export interface PsbtAnalysis {
  inputs: InputAnalysis[];
  /** Present when every spent output is known. */
  estimated_vsize?: number;
  /** sat per kvB. */
  estimated_feerate?: bigint;
  fee?: bigint;
  next: PsbtRole;
  error?: string;
}

const ROLE_ORDER: readonly PsbtRole[] = ['creator', 'updater', 'signer', 'finalizer', 'extractor'];

/** Core's analyzepsbt: what each input still needs and who acts next. */
export function analyzePsbt(psbt: Psbt, maxMoney: bigint): PsbtAnalysis {
  const inputs: InputAnalysis[] = [];
  let next: PsbtRole = 'extractor';
  const earlier = (role: PsbtRole) => {
    if (ROLE_ORDER.indexOf(role) < ROLE_ORDER.indexOf(next)) next = role;
  };
  for (let i = 0; i < psbt.inputCount; i++) {
    const analysis = analyzeInput(psbt, i);
    if ('error' in analysis) return { inputs, next: 'creator', error: analysis.error };
    inputs.push(analysis);
    earlier(analysis.next ?? 'extractor');
  }
  if (psbt.inputCount === 0) earlier('creator');
  const result: PsbtAnalysis = { inputs, next };
  const fee = psbtFee(psbt);
  if (fee === undefined) return result;
  const outTotal = psbt.tx.outputs.reduce((sum, output) => sum + output.value, 0n);
  if (fee < 0n || outTotal > maxMoney) return { inputs, next: 'creator', error: 'PSBT is not valid. Output amount invalid' };
  const vsize = estimateSignedVsize(psbt);
  if (vsize !== undefined) {
    result.estimated_vsize = vsize;
    result.estimated_feerate = (fee * 1000n) / BigInt(vsize);
  }
  result.fee = fee;
  return result;
}

function analyzeInput(psbt: Psbt, index: number): InputAnalysis | { error: string } {
  const view = psbt.input(index);
  let spent: TxOutput | undefined;
  try {
    spent = psbt.spentOutput(index);
  } catch {
    return { error: `PSBT is not valid. Input ${index} specifies invalid prevout` };
  }
  if (!spent) return { has_utxo: false, is_final: false, next: 'updater' };
  if (isInputFinal(view)) return { has_utxo: true, is_final: true, next: 'extractor' };
  const program = p2wpkhProgram(spent.script);
  if (!program) return { has_utxo: true, is_final: false, next: 'updater' };
  const keyid = toHex(program);
  const known = [...view.partialSigs.map((s) => s.publicKey), ...view.bip32Derivation.map((d) => d.publicKey)].some((key) => bytesEqual(publicKeyHash(key), program));
  if (!known) return { has_utxo: true, is_final: false, next: 'updater', missing: { pubkeys: [keyid] } };
  const signed = view.partialSigs.some((s) => bytesEqual(publicKeyHash(s.publicKey), program));
  if (!signed) return { has_utxo: true, is_final: false, next: 'signer', missing: { signatures: [keyid] } };
  return { has_utxo: true, is_final: false, next: 'finalizer' };
}

/** vsize once every input carries a P2WPKH witness (the final one when present). */
function estimateSignedVsize(psbt: Psbt): number | undefined {
  const tx = psbt.tx;
  let weight = tx.strippedSize() * 4 + 2;
  for (let i = 0; i < psbt.inputCount; i++) {
    const view = psbt.input(i);
    if (view.finalScriptWitness) {
      weight += view.finalScriptWitness.reduce((sum, item) => sum + 1 + item.length, 1);
      continue;
    }
    const spent = psbt.spentOutput(i);
    if (!spent || !p2wpkhProgram(spent.script)) return undefined;
    weight += SIGNED_P2WPKH_INPUT_WEIGHT - 41 * 4;
  }
  return Math.ceil(weight / 4);
}

/**
 * Checks each input's witness against its spent output, as Core does after signrawtransaction*:
 * an error string per input that does not verify (undefined for those that do).
 */
export function inputErrors(tx: Transaction, spent: readonly (TxOutput | undefined)[]): (string | undefined)[] {
  const cache = new SighashCache(tx);
  return tx.inputs.map((input, i) => {
    const coin = spent[i];
    if (!coin) return 'Input not found or already spent';
    if (input.witness.length === 0) return 'Unable to sign input, invalid stack size (possibly missing key)';
    try {
      verifyP2wpkhInput(tx, i, coin, cache);
      return undefined;
    } catch (err) {
      return isRuleError(err) && err.detail ? err.detail : (err as Error).message;
    }
  });
}
