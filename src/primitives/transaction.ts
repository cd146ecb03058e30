import { hashToHex } from './bytes.js';
import { DecodeError } from './errors.js';
import { sha256d } from './hash.js';
import { OutPoint } from './outpoint.js';
import { ByteReader } from './reader.js';
import { ByteWriter, compactSizeLength } from './writer.js';

export const WITNESS_SCALE_FACTOR = 4;
const MIN_INPUT_BYTES = 41; // prevout 36 + empty script 1 + sequence 4
const MIN_OUTPUT_BYTES = 9; // value 8 + empty script 1

export interface TxInput {
  readonly prevout: OutPoint;
  readonly scriptSig: Uint8Array;
  readonly sequence: number;
  readonly witness: readonly Uint8Array[];
}

export interface TxOutput {
  /** Base units (1 coin = 10^8). Signed as in Core, so a negative value decodes and is then refused by the rules. */
  readonly value: bigint;
  readonly script: Uint8Array;
}

export interface TransactionFields {
  version: number;
  inputs: readonly TxInput[];
  outputs: readonly TxOutput[];
  locktime: number;
}

/**
 * A Bitcoin transaction with segwit marker/flag and witnesses. Treated as immutable once built:
 * its hashes and sizes are computed on first use and cached.
 */
export class Transaction implements TransactionFields {
  readonly version: number;
  readonly inputs: readonly TxInput[];
  readonly outputs: readonly TxOutput[];
  readonly locktime: number;
  private cache: { txid?: Uint8Array; wtxid?: Uint8Array; size?: number; strippedSize?: number } = {};
  // The hex forms, looked up per tx by the mempool, relay and chain; true private fields, so
  // deep-equality comparisons of transactions do not see them.
  #txidHex: string | undefined;
  #wtxidHex: string | undefined;
  /**
   * The full serialization, kept after its first use: a block's body is written, relayed and
   * served from its txs' bytes, and each of its txs was serialized already to get its wtxid.
   */
  #bytes: Uint8Array | undefined;

  constructor(fields: TransactionFields) {
    this.version = fields.version >>> 0;
    this.inputs = fields.inputs;
    this.outputs = fields.outputs;
    this.locktime = fields.locktime >>> 0;
  }

  /** Reads exactly as Bitcoin Core's UnserializeTransaction with witness allowed. */
  static read(reader: ByteReader): Transaction {
    const version = reader.u32('tx version');
    let inputs = readInputs(reader);
    let outputs: TxOutput[] = [];
    let flags = 0;
    if (inputs.length === 0) {
      flags = reader.u8('segwit flag');
      if (flags !== 0) {
        inputs = readInputs(reader);
        outputs = readOutputs(reader);
      }
    } else {
      outputs = readOutputs(reader);
    }
    if (flags & 1) {
      flags ^= 1;
      for (let i = 0; i < inputs.length; i++) {
        inputs[i] = { ...inputs[i], witness: readWitness(reader) };
      }
      if (!inputs.some((input) => input.witness.length > 0)) {
        throw new DecodeError('superfluous-witness', 'segwit flag set but every witness is empty');
      }
    }
    if (flags !== 0) throw new DecodeError('unknown-tx-flags', `unknown transaction flags 0x${flags.toString(16)}`);
    const locktime = reader.u32('tx locktime');
    return new Transaction({ version, inputs, outputs, locktime });
  }

  static decode(bytes: Uint8Array): Transaction {
    const reader = new ByteReader(bytes);
    const tx = Transaction.read(reader);
    reader.end('transaction');
    return tx;
  }

  hasWitness(): boolean {
    for (const input of this.inputs) if (input.witness.length > 0) return true;
    return false;
  }

  write(writer: ByteWriter, withWitness = true): void {
    if (this.#bytes && (withWitness || !this.hasWitness())) {
      writer.bytes(this.#bytes);
      return;
    }
    const segwit = withWitness && this.hasWitness();
    writer.u32(this.version);
    if (segwit) writer.u8(0).u8(1);
    writer.compactSize(this.inputs.length);
    for (const input of this.inputs) {
      input.prevout.write(writer);
      writer.varBytes(input.scriptSig).u32(input.sequence);
    }
    writer.compactSize(this.outputs.length);
    for (const output of this.outputs) writer.i64(output.value).varBytes(output.script);
    if (segwit) {
      for (const input of this.inputs) {
        writer.compactSize(input.witness.length);
        for (const item of input.witness) writer.varBytes(item);
      }
    }
    writer.u32(this.locktime);
  }

  /** The serialization; the full one is the same array every call (never write into it). */
  encode(withWitness = true): Uint8Array {
    if (withWitness || !this.hasWitness()) return (this.#bytes ??= this.serialize(true));
    return this.serialize(false);
  }

  private serialize(withWitness: boolean): Uint8Array {
    const writer = new ByteWriter(withWitness ? this.size() : this.strippedSize());
    this.write(writer, withWitness);
    return writer.finish();
  }

  /** Hash of the non-witness serialization, internal order. */
  txidBytes(): Uint8Array {
    return (this.cache.txid ??= sha256d(this.encode(false)));
  }

  /** Hash of the full serialization, internal order; equals the txid when there is no witness. */
  wtxidBytes(): Uint8Array {
    return (this.cache.wtxid ??= this.hasWitness() ? sha256d(this.encode(true)) : this.txidBytes());
  }

  txid(): string {
    return (this.#txidHex ??= hashToHex(this.txidBytes()));
  }

  wtxid(): string {
    return (this.#wtxidHex ??= hashToHex(this.wtxidBytes()));
  }

  isCoinbase(): boolean {
    return this.inputs.length === 1 && this.inputs[0].prevout.isNull();
  }

  /** Serialized size with witness. */
  size(): number {
    return (this.cache.size ??= this.measure(true));
  }

  /** Serialized size without witness (Core's "stripped size"). */
  strippedSize(): number {
    return (this.cache.strippedSize ??= this.measure(false));
  }

  /** BIP141 weight: stripped size * 3 + total size. */
  weight(): number {
    return this.strippedSize() * (WITNESS_SCALE_FACTOR - 1) + this.size();
  }

  /** BIP141 virtual size: weight / 4 rounded up. */
  vsize(): number {
    return Math.ceil(this.weight() / WITNESS_SCALE_FACTOR);
  }

  private measure(withWitness: boolean): number {
    const segwit = withWitness && this.hasWitness();
    let n = 8 + compactSizeLength(this.inputs.length) + compactSizeLength(this.outputs.length);
    for (const input of this.inputs) n += 40 + compactSizeLength(input.scriptSig.length) + input.scriptSig.length;
    for (const output of this.outputs) n += 8 + compactSizeLength(output.script.length) + output.script.length;
    if (segwit) {
      n += 2;
      for (const input of this.inputs) {
        n += compactSizeLength(input.witness.length);
        for (const item of input.witness) n += compactSizeLength(item.length) + item.length;
      }
    }
    return n;
  }
}

function readInputs(reader: ByteReader): TxInput[] {
  const count = reader.count(MIN_INPUT_BYTES, 'input count');
  const inputs: TxInput[] = new Array(count);
  for (let i = 0; i < count; i++) {
    inputs[i] = {
      prevout: OutPoint.read(reader),
      scriptSig: reader.varBytes('scriptSig'),
      sequence: reader.u32('sequence'),
      witness: [],
    };
  }
  return inputs;
}

function readOutputs(reader: ByteReader): TxOutput[] {
  const count = reader.count(MIN_OUTPUT_BYTES, 'output count');
  const outputs: TxOutput[] = new Array(count);
  for (let i = 0; i < count; i++) {
    outputs[i] = { value: reader.i64('output value'), script: reader.varBytes('output script') };
  }
  return outputs;
}

function readWitness(reader: ByteReader): Uint8Array[] {
  const count = reader.count(1, 'witness item count');
  const items: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) items[i] = reader.varBytes('witness item');
  return items;
}
