import { bytesEqual } from './bytes.js';
import { BlockHeader, HEADER_SIZE } from './header.js';
import { computeMerkleRoot, type MerkleResult, witnessCommitmentHash } from './merkle.js';
import { ByteReader } from './reader.js';
import { Transaction, WITNESS_SCALE_FACTOR } from './transaction.js';
import { ByteWriter, compactSizeLength } from './writer.js';

const MIN_TX_BYTES = 10; // version 4 + empty input count 1 + flag byte 1 + locktime 4
/** OP_RETURN, push 36, then BIP141's magic 0xaa21a9ed. */
export const WITNESS_COMMITMENT_PREFIX = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);

export class Block {
  /**
   * Both merkle trees, computed on first use: a relayed block is checked against its header
   * when rebuilt and again by the chain, 2 x 2,000 double-SHA256 each time for a big block.
   * A block never changes after construction (its txs cache their own hashes the same way).
   * True private fields: deep-equality comparisons of blocks do not see them.
   */
  #txidTree: MerkleResult | undefined;
  #wtxidTree: MerkleResult | undefined;

  constructor(
    readonly header: BlockHeader,
    readonly txs: readonly Transaction[],
  ) {}

  static read(reader: ByteReader): Block {
    const header = BlockHeader.read(reader);
    const count = reader.count(MIN_TX_BYTES, 'transaction count');
    const txs: Transaction[] = new Array(count);
    for (let i = 0; i < count; i++) txs[i] = Transaction.read(reader);
    return new Block(header, txs);
  }

  static decode(bytes: Uint8Array): Block {
    const reader = new ByteReader(bytes);
    const block = Block.read(reader);
    reader.end('block');
    return block;
  }

  write(writer: ByteWriter, withWitness = true): void {
    this.header.write(writer);
    writer.compactSize(this.txs.length);
    for (const tx of this.txs) tx.write(writer, withWitness);
  }

  encode(withWitness = true): Uint8Array {
    const writer = new ByteWriter(withWitness ? this.size() : this.strippedSize());
    this.write(writer, withWitness);
    return writer.finish();
  }

  hash(): string {
    return this.header.hash();
  }

  hashBytes(): Uint8Array {
    return this.header.hashBytes();
  }

  size(): number {
    let n = HEADER_SIZE + compactSizeLength(this.txs.length);
    for (const tx of this.txs) n += tx.size();
    return n;
  }

  strippedSize(): number {
    let n = HEADER_SIZE + compactSizeLength(this.txs.length);
    for (const tx of this.txs) n += tx.strippedSize();
    return n;
  }

  /** BIP141 block weight. */
  weight(): number {
    return this.strippedSize() * (WITNESS_SCALE_FACTOR - 1) + this.size();
  }

  /** Merkle root over the txids, with the CVE-2012-2459 mutation flag. */
  computeMerkleRoot(): MerkleResult {
    return (this.#txidTree ??= computeMerkleRoot(this.txs.map((tx) => tx.txidBytes())));
  }

  /** BIP141 witness root: over wtxids, with the coinbase's wtxid taken as zero. */
  computeWitnessMerkleRoot(): MerkleResult {
    return (this.#wtxidTree ??= computeMerkleRoot(this.txs.map((tx, i) => (i === 0 ? new Uint8Array(32) : tx.wtxidBytes()))));
  }

  /** Index of the coinbase output holding the witness commitment (the last one that matches), or -1. */
  witnessCommitmentIndex(): number {
    const coinbase = this.txs[0];
    if (!coinbase) return -1;
    for (let i = coinbase.outputs.length - 1; i >= 0; i--) {
      const script = coinbase.outputs[i].script;
      if (script.length >= 38 && bytesEqual(script.subarray(0, 6), WITNESS_COMMITMENT_PREFIX)) return i;
    }
    return -1;
  }

  /** The 32 committed bytes found in the coinbase, or undefined when there is no commitment. */
  witnessCommitment(): Uint8Array | undefined {
    const index = this.witnessCommitmentIndex();
    return index < 0 ? undefined : this.txs[0].outputs[index].script.slice(6, 38);
  }

  /** The commitment this block's witnesses call for, given the coinbase's reserved value. */
  expectedWitnessCommitment(reservedValue: Uint8Array): Uint8Array {
    return witnessCommitmentHash(this.computeWitnessMerkleRoot().root, reservedValue);
  }

  hasWitness(): boolean {
    return this.txs.some((tx) => tx.hasWitness());
  }
}
