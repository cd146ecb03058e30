import { hashToHex } from './bytes.js';
import { sha256d } from './hash.js';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';

export const HEADER_SIZE = 80;

export interface BlockHeaderFields {
  version: number;
  /** Internal byte order (as serialized). */
  prevHash: Uint8Array;
  /** Internal byte order (as serialized). */
  merkleRoot: Uint8Array;
  time: number;
  bits: number;
  nonce: number;
}

/** The 80-byte Bitcoin block header: version | prevHash | merkleRoot | time | bits | nonce. */
export class BlockHeader implements BlockHeaderFields {
  readonly version: number;
  readonly prevHash: Uint8Array;
  readonly merkleRoot: Uint8Array;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
  private cachedHash?: Uint8Array;

  constructor(fields: BlockHeaderFields) {
    this.version = fields.version | 0;
    this.prevHash = fields.prevHash;
    this.merkleRoot = fields.merkleRoot;
    this.time = fields.time >>> 0;
    this.bits = fields.bits >>> 0;
    this.nonce = fields.nonce >>> 0;
  }

  static read(reader: ByteReader): BlockHeader {
    return new BlockHeader({
      version: reader.i32('header version'),
      prevHash: reader.bytesCopy(32, 'header prevHash'),
      merkleRoot: reader.bytesCopy(32, 'header merkleRoot'),
      time: reader.u32('header time'),
      bits: reader.u32('header bits'),
      nonce: reader.u32('header nonce'),
    });
  }

  static decode(bytes: Uint8Array): BlockHeader {
    const reader = new ByteReader(bytes);
    const header = BlockHeader.read(reader);
    reader.end('block header');
    return header;
  }

  write(writer: ByteWriter): void {
    writer.i32(this.version).bytes(this.prevHash).bytes(this.merkleRoot).u32(this.time).u32(this.bits).u32(this.nonce);
  }

  encode(): Uint8Array {
    const writer = new ByteWriter(HEADER_SIZE);
    this.write(writer);
    return writer.finish();
  }

  /**
   * Sets the hash without computing it, for a header read back from our own block index, whose
   * key is the hash it was stored under (Core's LoadBlockIndex trusts its index the same way).
   */
  withKnownHash(hash: Uint8Array): this {
    this.cachedHash = hash;
    return this;
  }

  /** Double SHA-256 of the 80 bytes, internal order; computed once. */
  hashBytes(): Uint8Array {
    if (!this.cachedHash) this.cachedHash = sha256d(this.encode());
    return this.cachedHash;
  }

  /** Display-order hex, as block explorers and RPC show it. */
  hash(): string {
    return hashToHex(this.hashBytes());
  }

  prevHashHex(): string {
    return hashToHex(this.prevHash);
  }

  merkleRootHex(): string {
    return hashToHex(this.merkleRoot);
  }

  with(changes: Partial<BlockHeaderFields>): BlockHeader {
    return new BlockHeader({ ...this, ...changes });
  }
}
