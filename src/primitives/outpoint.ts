import { hashToHex } from './bytes.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

/** A reference to one output of a transaction: txid in internal byte order and output index. */
export class OutPoint {
  /** key() on first use: the mempool, the chain's coin overlay and the relay all look coins up by it. */
  #key: string | undefined;
  #txidHex: string | undefined;

  constructor(
    readonly txid: Uint8Array,
    readonly index: number,
    /** The txid's display hex when the caller has it (a tx's own outputs), so it is not made again. */
    txidHex?: string,
  ) {
    this.#txidHex = txidHex;
  }

  static read(reader: ByteReader): OutPoint {
    return new OutPoint(reader.bytesCopy(32, 'outpoint txid'), reader.u32('outpoint index'));
  }

  write(writer: ByteWriter): void {
    writer.bytes(this.txid).u32(this.index);
  }

  encode(): Uint8Array {
    const writer = new ByteWriter(36);
    this.write(writer);
    return writer.finish();
  }

  /** The coinbase's null prevout: zero txid and index 0xffffffff. */
  isNull(): boolean {
    if (this.index !== 0xffffffff) return false;
    for (let i = 0; i < 32; i++) if (this.txid[i] !== 0) return false;
    return true;
  }

  /** Memoised like key(): a block's connect asks it of every input. */
  txidHex(): string {
    return (this.#txidHex ??= hashToHex(this.txid));
  }

  /** A compact map key: display txid and index. */
  key(): string {
    return (this.#key ??= `${this.txidHex()}:${this.index}`);
  }

  static null(): OutPoint {
    return new OutPoint(new Uint8Array(32), 0xffffffff);
  }
}
