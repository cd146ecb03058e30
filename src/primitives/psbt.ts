/**
 * BIP174 (version 0) partially signed transactions. The byte format is @scure/btc-signer's
 * well-kept implementation; this class wraps it so the rest of the node sees only its own types
 * (our Transaction, OutPoint and TxOutput) and one typed error. Fields the node does not use
 * (unknown and proprietary keys, hash preimages, scripts) are kept as they are and written back,
 * as Core keeps them.
 */
import { base64 } from '@scure/base';
import { Transaction as ScureTransaction, type TxOpts } from '@scure/btc-signer';
import { fromHex, reverseBytes, toHex } from './bytes.js';
import { OutPoint } from './outpoint.js';
import { Transaction, type TxOutput } from './transaction.js';

export type PsbtErrorCode = 'bad-base64' | 'bad-psbt' | 'bad-update' | 'mismatch';

/** Anything wrong with a PSBT's bytes or an update to it; the message is the library's reason. */
export class PsbtError extends Error {
  readonly code: PsbtErrorCode;

  constructor(code: PsbtErrorCode, message: string) {
    super(message);
    this.name = 'PsbtError';
    this.code = code;
  }
}

/** A BIP32 origin: 4-byte master fingerprint (as 8 hex digits) and child indexes (hardened ≥ 2^31). */
export interface KeyOrigin {
  readonly publicKey: Uint8Array;
  readonly fingerprint: string;
  readonly path: readonly number[];
}

/** The input fields the node reads and writes; every other field passes through untouched. */
export interface PsbtInputView {
  readonly nonWitnessUtxo?: Transaction;
  readonly witnessUtxo?: TxOutput;
  readonly partialSigs: ReadonlyArray<{ publicKey: Uint8Array; signature: Uint8Array }>;
  readonly sighashType?: number;
  readonly bip32Derivation: readonly KeyOrigin[];
  readonly finalScriptSig?: Uint8Array;
  readonly finalScriptWitness?: readonly Uint8Array[];
  /** Scripts of P2SH / P2WSH spends (other chains' PSBTs; ours never have them), shown by decodepsbt. */
  readonly redeemScript?: Uint8Array;
  readonly witnessScript?: Uint8Array;
  /** Keys BIP174 does not define, kept and written back as they came. */
  readonly unknown: ReadonlyArray<{ key: Uint8Array; value: Uint8Array }>;
}

export interface PsbtInputUpdate {
  nonWitnessUtxo?: Transaction;
  witnessUtxo?: TxOutput;
  partialSig?: { publicKey: Uint8Array; signature: Uint8Array };
  sighashType?: number;
  bip32Derivation?: readonly KeyOrigin[];
}

// Our chain has its own scripts and versions: the library must not refuse what it does not know.
const OPTIONS: TxOpts = {
  allowUnknownOutputs: true,
  allowUnknownInputs: true,
  allowUnknownVersion: true,
  disableScriptCheck: true,
  allowLegacyWitnessUtxo: true,
  unknown: 'ignore',
  PSBTVersion: 0,
};

const PSBT_MAGIC = '70736274ff';

/** A PSBT: an unsigned transaction and what each party knows or has signed of each input and output. */
export class Psbt {
  private constructor(private readonly inner: ScureTransaction) {}

  /** An empty PSBT around an unsigned tx (every scriptSig and witness must be empty, as BIP174 asks). */
  static fromTransaction(tx: Transaction): Psbt {
    for (const input of tx.inputs) {
      if (input.scriptSig.length > 0 || input.witness.length > 0) throw new PsbtError('bad-psbt', 'Inputs must not have scriptSigs and scriptWitnesses');
    }
    const inner = guard('bad-update', () => {
      const built = new ScureTransaction({ ...OPTIONS, version: tx.version, lockTime: tx.locktime });
      for (const input of tx.inputs) built.addInput({ txid: fromHex(input.prevout.txidHex()), index: input.prevout.index, sequence: input.sequence });
      for (const output of tx.outputs) built.addOutput({ script: output.script, amount: output.value });
      return built;
    });
    return new Psbt(inner);
  }

  static decode(bytes: Uint8Array): Psbt {
    if (bytes.length < 5 || toHex(bytes.subarray(0, 5)) !== PSBT_MAGIC) throw new PsbtError('bad-psbt', 'Invalid PSBT magic bytes');
    return new Psbt(guard('bad-psbt', () => ScureTransaction.fromPSBT(bytes, OPTIONS)));
  }

  static fromBase64(text: string): Psbt {
    // Strict base64 (padding included), without a backtracking pattern on user input.
    let bytes: Uint8Array;
    try {
      bytes = base64.decode(text);
    } catch {
      throw new PsbtError('bad-base64', 'invalid base64');
    }
    return Psbt.decode(bytes);
  }

  encode(): Uint8Array {
    return this.inner.toPSBT(0);
  }

  toBase64(): string {
    return base64.encode(this.encode());
  }

  /** The unsigned transaction (empty scriptSigs and witnesses). */
  get tx(): Transaction {
    const inputs = [];
    for (let i = 0; i < this.inner.inputsLength; i++) {
      const input = this.inner.getInput(i);
      inputs.push({ prevout: new OutPoint(reverseBytes(input.txid!), input.index!), scriptSig: new Uint8Array(0), sequence: input.sequence!, witness: [] });
    }
    const outputs = [];
    for (let i = 0; i < this.inner.outputsLength; i++) {
      const output = this.inner.getOutput(i);
      outputs.push({ value: output.amount!, script: output.script! });
    }
    return new Transaction({ version: this.inner.version, inputs, outputs, locktime: this.inner.lockTime });
  }

  get inputCount(): number {
    return this.inner.inputsLength;
  }

  get outputCount(): number {
    return this.inner.outputsLength;
  }

  input(index: number): PsbtInputView {
    const raw = this.inner.getInput(index);
    const unknown = (raw.unknown ?? []).map(([key, value]) => ({ key: concatKey(key.type, key.key), value }));
    return {
      nonWitnessUtxo: raw.nonWitnessUtxo ? guard('bad-psbt', () => rawTx(raw.nonWitnessUtxo)) : undefined,
      witnessUtxo: raw.witnessUtxo ? { value: raw.witnessUtxo.amount, script: raw.witnessUtxo.script } : undefined,
      partialSigs: (raw.partialSig ?? []).map(([publicKey, signature]) => ({ publicKey, signature })),
      sighashType: raw.sighashType,
      bip32Derivation: (raw.bip32Derivation ?? []).map(([publicKey, origin]) => ({ publicKey, fingerprint: fingerprintHex(origin.fingerprint), path: origin.path })),
      finalScriptSig: raw.finalScriptSig,
      finalScriptWitness: raw.finalScriptWitness,
      redeemScript: raw.redeemScript,
      witnessScript: raw.witnessScript,
      unknown,
    };
  }

  /** BIP32 origins of an output's keys (the wallet's change, so a signer can recognise it). */
  outputDerivation(index: number): KeyOrigin[] {
    const raw = this.inner.getOutput(index);
    return (raw.bip32Derivation ?? []).map(([publicKey, origin]) => ({ publicKey, fingerprint: fingerprintHex(origin.fingerprint), path: origin.path }));
  }

  /** The spent output of input `index` from witnessUtxo, else from nonWitnessUtxo; checked against the prevout. */
  spentOutput(index: number): TxOutput | undefined {
    const view = this.input(index);
    if (view.witnessUtxo) return view.witnessUtxo;
    const prev = view.nonWitnessUtxo;
    const prevout = this.tx.inputs[index].prevout;
    if (!prev) return undefined;
    if (prev.txid() !== prevout.txidHex()) throw new PsbtError('mismatch', `nonWitnessUtxo of input ${index} is not the spent transaction`);
    return prev.outputs[prevout.index];
  }

  updateInput(index: number, update: PsbtInputUpdate): void {
    const fields: Record<string, unknown> = {};
    if (update.nonWitnessUtxo) fields.nonWitnessUtxo = update.nonWitnessUtxo.encode(false);
    if (update.witnessUtxo) fields.witnessUtxo = { amount: update.witnessUtxo.value, script: update.witnessUtxo.script };
    if (update.partialSig) fields.partialSig = [[update.partialSig.publicKey, update.partialSig.signature]];
    if (update.sighashType !== undefined) fields.sighashType = update.sighashType;
    if (update.bip32Derivation?.length) fields.bip32Derivation = update.bip32Derivation.map(originEntry);
    guard('bad-update', () => this.inner.updateInput(index, fields, true));
  }

  updateOutput(index: number, bip32Derivation: readonly KeyOrigin[]): void {
    if (bip32Derivation.length === 0) return;
    guard('bad-update', () => this.inner.updateOutput(index, { bip32Derivation: bip32Derivation.map(originEntry) }, true));
  }

  /** Sets the final witness (P2WPKH: [signature, key]) and drops what BIP174 says a finalizer drops. */
  finalizeInput(index: number, witness: readonly Uint8Array[]): void {
    guard('bad-update', () => this.inner.updateInput(index, { finalScriptWitness: [...witness] }, true));
    const raw = this.inner.getInput(index) as Record<string, unknown>;
    for (const field of ['partialSig', 'sighashType', 'bip32Derivation', 'redeemScript', 'witnessScript']) delete raw[field];
    // getInput hands out a copy: write the cleaned copy back over the input.
    (this.inner as unknown as { inputs: Record<string, unknown>[] }).inputs[index] = raw;
  }

  /** BIP174's combiner: the same unsigned tx, fields merged. */
  combine(other: Psbt): Psbt {
    if (toHex(this.tx.encode(false)) !== toHex(other.tx.encode(false))) throw new PsbtError('mismatch', 'PSBTs not compatible (different transactions)');
    const merged = this.clone();
    guard('mismatch', () => merged.inner.combine(other.inner));
    return merged;
  }

  clone(): Psbt {
    return new Psbt(this.inner.clone());
  }

  /**
   * Core's joinpsbts: every input and output of `psbts` (with their fields) in one PSBT of the
   * highest version and lowest locktime, inputs and outputs shuffled so the parts cannot be
   * told apart by position. An outpoint spent by two of them is a 'mismatch'.
   */
  static join(psbts: readonly Psbt[], shuffle: <T>(items: T[]) => T[]): Psbt {
    const version = Math.max(...psbts.map((p) => p.inner.version));
    const lockTime = Math.min(...psbts.map((p) => p.inner.lockTime));
    const inputs: ReturnType<ScureTransaction['getInput']>[] = [];
    const outputs: ReturnType<ScureTransaction['getOutput']>[] = [];
    const seen = new Set<string>();
    for (const psbt of psbts) {
      for (let i = 0; i < psbt.inner.inputsLength; i++) {
        const input = psbt.inner.getInput(i);
        const key = `${toHex(reverseBytes(input.txid!))}:${input.index}`;
        if (seen.has(key)) throw new PsbtError('mismatch', `Input ${key} exists in multiple PSBTs`);
        seen.add(key);
        inputs.push(input);
      }
      for (let i = 0; i < psbt.inner.outputsLength; i++) outputs.push(psbt.inner.getOutput(i));
    }
    const joined = guard('bad-update', () => {
      const built = new ScureTransaction({ ...OPTIONS, version, lockTime });
      for (const input of shuffle(inputs)) built.addInput(input, true);
      for (const output of shuffle(outputs)) built.addOutput(output, true);
      return built;
    });
    return new Psbt(joined);
  }
}

function guard<T>(code: PsbtErrorCode, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof PsbtError) throw err;
    throw new PsbtError(code, (err as Error).message ?? String(err));
  }
}

/** scure hands nonWitnessUtxo out as its parsed raw-tx structure: rebuilt here as our Transaction. */
function rawTx(value: unknown): Transaction {
  if (value instanceof Uint8Array) return Transaction.decode(value);
  const tx = value as { version: number; inputs: Array<{ txid: Uint8Array; index: number; finalScriptSig: Uint8Array; sequence: number }>; outputs: Array<{ amount: bigint; script: Uint8Array }>; witnesses?: Uint8Array[][]; lockTime: number };
  return new Transaction({
    version: tx.version,
    inputs: tx.inputs.map((input, i) => ({ prevout: new OutPoint(reverseBytes(input.txid), input.index), scriptSig: input.finalScriptSig, sequence: input.sequence, witness: tx.witnesses?.[i] ?? [] })),
    outputs: tx.outputs.map((output) => ({ value: output.amount, script: output.script })),
    locktime: tx.lockTime,
  });
}

function fingerprintHex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function originEntry(origin: KeyOrigin): [Uint8Array, { fingerprint: number; path: number[] }] {
  return [origin.publicKey, { fingerprint: Number.parseInt(origin.fingerprint, 16) >>> 0, path: [...origin.path] }];
}

function concatKey(type: number, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = type;
  out.set(key, 1);
  return out;
}
