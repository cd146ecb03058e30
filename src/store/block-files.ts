/**
 * Block bodies in flat files, as Core's blocks/blk?????.dat: each record is the network's
 * 4-byte tag, the body's length (u32 LE) and the body, appended to the newest file until the
 * next record would take it past its size limit. LevelDB keeps only where each body is (a
 * BlockLocation under the block's key, layout.ts). Put through LevelDB, a 1 MB body cost the
 * main thread 1-5 ms of native copying before the write even started, then the log write, the
 * memtable copy and every compaction after copied it again; appended here it is one positional
 * write on the thread pool, gathered from the txs' own serializations.
 */
import { close, constants, fdatasync, fstatSync, mkdirSync, openSync, read, readdirSync, writev, writevSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '../primitives/block.js';
import { bytesEqual } from '../primitives/bytes.js';
import { ByteWriter } from '../primitives/writer.js';
import { StoreError } from './errors.js';

/** Where a body is: its file's number and the offset and length of the body itself (after the record's prefix). */
export interface BlockLocation {
  readonly file: number;
  readonly offset: number;
  readonly length: number;
}

/** A location's stored form: file, offset and length, u32 LE each. No block body is this short. */
export const BLOCK_LOCATION_SIZE = 12;
/** Tag and length before each body. */
const RECORD_PREFIX = 8;
/**
 * Records up to this size are written on the spot: the write into the page cache takes
 * microseconds, and a thread-pool round trip per body (on top of LevelDB's for its location)
 * cut a syncing node's blocks a second by a third (759-836 to 492-583, 10,000 small blocks).
 * A big body goes to the thread pool, where its copy runs beside the block's validation.
 */
const INLINE_WRITE_BYTES = 64 * 1024;
/** Core's MAX_BLOCKFILE_SIZE. */
export const DEFAULT_BLOCK_FILE_BYTES = 128 * 1024 * 1024;
const FILE_PATTERN = /^blk(\d{5})\.dat$/;

export function blockFileName(file: number): string {
  return `blk${String(file).padStart(5, '0')}.dat`;
}

export function encodeBlockLocation({ file, offset, length }: BlockLocation): Uint8Array {
  const out = new Uint8Array(BLOCK_LOCATION_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, file, true);
  view.setUint32(4, offset, true);
  view.setUint32(8, length, true);
  return out;
}

export function decodeBlockLocation(bytes: Uint8Array): BlockLocation {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { file: view.getUint32(0, true), offset: view.getUint32(4, true), length: view.getUint32(8, true) };
}

/** A block's serialization as the pieces it already has: header and tx count, then each tx's kept bytes. */
export function bodyParts(block: Block): Uint8Array[] {
  const head = new ByteWriter(80 + 9);
  block.header.write(head);
  head.compactSize(block.txs.length);
  const parts: Uint8Array[] = [head.finish()];
  for (const tx of block.txs) parts.push(tx.encode());
  return parts;
}

export class BlockFiles {
  /** Open descriptors by file number: the newest read-write, older ones read-only, opened on first read. */
  private readonly fds = new Map<number, number>();
  /** Files written since the last sync(). */
  private readonly unsynced = new Set<number>();
  private readonly writing = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly tag: Uint8Array,
    private readonly maxFileBytes: number,
    private current: number,
    /** Bytes in the current file, written or reserved by a write under way. */
    private size: number,
  ) {}

  /**
   * Opens `dir` (creating it), appending to its highest-numbered file. A record a crash cut
   * short at that file's end stays there unreferenced: LevelDB never named it.
   */
  static open(dir: string, tag: Uint8Array, maxFileBytes = DEFAULT_BLOCK_FILE_BYTES): BlockFiles {
    try {
      mkdirSync(dir, { recursive: true });
      const numbers = readdirSync(dir)
        .map((name) => FILE_PATTERN.exec(name))
        .filter((match) => match !== null)
        .map((match) => Number(match[1]));
      const current = numbers.length > 0 ? Math.max(...numbers) : 0;
      const files = new BlockFiles(dir, tag, maxFileBytes, current, 0);
      files.size = fstatSync(files.descriptor(current, true)).size;
      return files;
    } catch (err) {
      throw ioError(`cannot open the block files in ${dir}`, err);
    }
  }

  /** Appends a body given as its pieces; resolves once the write is done (not yet synced). */
  async append(parts: readonly Uint8Array[]): Promise<BlockLocation> {
    this.assertOpen();
    let length = 0;
    for (const part of parts) length += part.length;
    const { file, start } = this.reserve(RECORD_PREFIX + length);
    const prefix = new Uint8Array(RECORD_PREFIX);
    prefix.set(this.tag);
    new DataView(prefix.buffer).setUint32(4, length, true);
    const fd = this.descriptor(file, true);
    const buffers = [prefix, ...parts];
    const written =
      RECORD_PREFIX + length <= INLINE_WRITE_BYTES
        ? new Promise<number>((resolve) => resolve(writevSync(fd, buffers, start)))
        : new Promise<number>((resolve, reject) => writev(fd, buffers, start, (err, bytes) => (err ? reject(err) : resolve(bytes))));
    this.writing.add(written);
    try {
      const bytes = await written;
      if (bytes !== RECORD_PREFIX + length) throw new Error(`wrote ${bytes} of ${RECORD_PREFIX + length} bytes`);
    } catch (err) {
      throw ioError(`cannot write a block to ${join(this.dir, blockFileName(file))}`, err);
    } finally {
      this.writing.delete(written);
    }
    this.unsynced.add(file);
    return { file, offset: start + RECORD_PREFIX, length };
  }

  /**
   * The body at `location`, or its first `bytes`. A record whose prefix is not this network's
   * tag and this length, or that the file ends inside, is `corrupt`.
   */
  async read(location: BlockLocation, bytes = location.length): Promise<Uint8Array> {
    this.assertOpen();
    const { file, offset, length } = location;
    const name = join(this.dir, blockFileName(file));
    if (offset < RECORD_PREFIX || bytes > length) throw new StoreError('corrupt', `block location ${file}:${offset}+${length} is not a record`);
    let fd: number;
    try {
      fd = this.descriptor(file, false);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('corrupt', `block file ${name} is missing`);
      throw ioError(`cannot open block file ${name}`, err);
    }
    const buffer = new Uint8Array(RECORD_PREFIX + bytes);
    let got: number;
    try {
      got = await new Promise<number>((resolve, reject) => read(fd, buffer, 0, buffer.length, offset - RECORD_PREFIX, (err, n) => (err ? reject(err) : resolve(n))));
    } catch (err) {
      throw ioError(`cannot read block file ${name}`, err);
    }
    if (got < buffer.length) throw new StoreError('corrupt', `block file ${name} ends inside the record at ${offset} (${got} of ${buffer.length} bytes)`);
    const prefix = new DataView(buffer.buffer, 0, RECORD_PREFIX);
    if (!bytesEqual(buffer.subarray(0, 4), this.tag) || prefix.getUint32(4, true) !== length) {
      throw new StoreError('corrupt', `block file ${name} holds no ${length}-byte block record at ${offset}`);
    }
    return buffer.subarray(RECORD_PREFIX);
  }

  /** Makes every body written so far durable (before the chain state that names them is written). */
  async sync(): Promise<void> {
    this.assertOpen();
    const files = [...this.unsynced];
    this.unsynced.clear();
    try {
      await Promise.all(files.map((file) => new Promise<void>((resolve, reject) => fdatasync(this.descriptor(file, true), (err) => (err ? reject(err) : resolve())))));
    } catch (err) {
      for (const file of files) this.unsynced.add(file);
      throw ioError(`cannot sync the block files in ${this.dir}`, err);
    }
  }

  /** Waits for writes under way, then closes every file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.writing]);
    await Promise.all([...this.fds.values()].map((fd) => new Promise<void>((resolve) => close(fd, () => resolve()))));
    this.fds.clear();
  }

  /** Room for a record: in the current file, or a new one when it would pass the limit. */
  private reserve(bytes: number): { file: number; start: number } {
    if (this.size > 0 && this.size + bytes > this.maxFileBytes) {
      this.current++;
      this.size = 0;
    }
    const start = this.size;
    this.size += bytes;
    return { file: this.current, start };
  }

  private descriptor(file: number, write: boolean): number {
    let fd = this.fds.get(file);
    if (fd !== undefined) return fd;
    // The newest file is opened to write (created if need be); an older one only to read, and
    // none becomes the newest again. Not O_APPEND: Linux would ignore the reserved positions.
    const flags = write || file === this.current ? constants.O_RDWR | constants.O_CREAT : constants.O_RDONLY;
    fd = openSync(join(this.dir, blockFileName(file)), flags, 0o644);
    this.fds.set(file, fd);
    return fd;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('closed', `block files in ${this.dir} are closed`);
  }
}

function ioError(what: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError('io', `${what}: ${(err as Error).message}`, { cause: err });
}
