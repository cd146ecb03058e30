import { DecodeError } from './errors.js';

/**
 * A strict cursor over a byte string: every read checks its bounds first and lengths are
 * checked against what remains before anything is allocated, so hostile input cannot make
 * us reserve memory for bytes that do not exist.
 */
export class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n) {
      throw new DecodeError('truncated', `${what} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.offset++];
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  i32(what = 'int32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }

  /** A 48-bit little-endian integer (BIP152's short ids), exact as a number. */
  u48(what = 'uint48'): number {
    this.need(6, what);
    const v = this.view.getUint32(this.offset, true) + this.view.getUint16(this.offset + 4, true) * 0x1_0000_0000;
    this.offset += 6;
    return v;
  }

  u64(what = 'uint64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }

  i64(what = 'int64'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /** A view (not a copy) of the next n bytes. */
  bytesView(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** A copy of the next n bytes, so decoded objects never pin a large network buffer. */
  bytesCopy(n: number, what = 'bytes'): Uint8Array {
    // Uint8Array's own slice: a Buffer's slice() would return a view of the whole buffer.
    return Uint8Array.prototype.slice.call(this.bytesView(n, what));
  }

  /** Bitcoin's CompactSize, rejecting non-canonical (longer than needed) encodings as Core does. */
  compactSize(what = 'compact size'): number {
    const first = this.u8(what);
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      this.need(2, what);
      const v = this.view.getUint16(this.offset, true);
      this.offset += 2;
      if (v < 0xfd) throw new DecodeError('non-canonical-compactsize', `${what} ${v} encoded in 3 bytes`);
      return v;
    }
    if (first === 0xfe) {
      const v = this.u32(what);
      if (v < 0x10000) throw new DecodeError('non-canonical-compactsize', `${what} ${v} encoded in 5 bytes`);
      return v;
    }
    const v = this.u64(what);
    if (v < 0x100000000n) throw new DecodeError('non-canonical-compactsize', `${what} ${v} encoded in 9 bytes`);
    // Core caps every size at MAX_SIZE (32 MiB); anything this large can only be hostile.
    throw new DecodeError('oversized-count', `${what} ${v} exceeds the 32 MiB limit`);
  }

  /** A count of items each at least minItemBytes long; refused when the input cannot hold them. */
  count(minItemBytes: number, what: string): number {
    const n = this.compactSize(what);
    if (n * minItemBytes > this.remaining) {
      throw new DecodeError('oversized-count', `${what} ${n} needs at least ${n * minItemBytes} bytes, ${this.remaining} left`);
    }
    return n;
  }

  varBytes(what = 'var bytes'): Uint8Array {
    const n = this.compactSize(`${what} length`);
    if (n > this.remaining) {
      throw new DecodeError('oversized-length', `${what} length ${n} exceeds the ${this.remaining} bytes left`);
    }
    return this.bytesCopy(n, what);
  }

  /** Decoders of whole objects call this last: a message must be exactly one object. */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new DecodeError('trailing-bytes', `${this.remaining} bytes after the end of the ${what}`);
    }
  }
}
