/**
 * The WebAssembly SipHash-2-4 (siphash.wat) of many 32-byte messages under one key, in one
 * call: a compact block's receiver hashes its whole mempool with the block's key, and the JS
 * version (siphash.ts) emulates each 64-bit add and rotation on two 32-bit halves.
 * This file owns the module's memory layout on the JS side; it must match the WAT's.
 */
import type { SipKey } from '../siphash.js';
import { SIPHASH_WASM_BASE64 } from './siphash-wasm.js';
import { ensureMemory, plainWasmApi, type WasmMemory } from './wasm-api.js';

const MESSAGE_BYTES = 32;
const RESULT_BYTES = 8;

interface SipExports {
  memory: WasmMemory;
  sip32(k0: bigint, k1: bigint, count: number, out: number): void;
}

export class SipKernel {
  private constructor(private readonly exports: SipExports) {}

  /** A kernel with its own instance and memory, or undefined where WebAssembly is not run. */
  static create(): SipKernel | undefined {
    const api = plainWasmApi();
    if (!api) return undefined;
    const module = new api.Module(Buffer.from(SIPHASH_WASM_BASE64, 'base64'));
    return new SipKernel(new api.Instance(module).exports as SipExports);
  }

  /** The low 48 bits of SipHash-2-4 of each 32-byte message, as numbers (BIP152's short ids). */
  low48(key: SipKey, messages: readonly Uint8Array[]): number[] {
    const { memory } = this.exports;
    const count = messages.length;
    const out = count * MESSAGE_BYTES;
    const needed = out + count * RESULT_BYTES;
    ensureMemory(memory, needed);
    // Views are made after growing: growing detaches the old buffer.
    const bytes = new Uint8Array(memory.buffer);
    messages.forEach((message, i) => {
      if (message.length !== MESSAGE_BYTES) throw new RangeError('the SipHash kernel hashes 32-byte messages');
      bytes.set(message, i * MESSAGE_BYTES);
    });
    this.exports.sip32(halvesToI64(key.k0hi, key.k0lo), halvesToI64(key.k1hi, key.k1lo), count, out);
    const words = new Uint32Array(memory.buffer, out, count * 2);
    const results = new Array<number>(count);
    for (let i = 0; i < count; i++) results[i] = (words[2 * i + 1] & 0xffff) * 0x1_0000_0000 + words[2 * i];
    return results;
  }
}

/** An i64 argument from two uint32 halves (WebAssembly takes i64 as a BigInt, wrapping at 2^64). */
function halvesToI64(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}
