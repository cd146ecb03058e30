/**
 * The WebAssembly SIMD nonce loop (sha256d.wat): 4 nonces per iteration, one per i32x4 lane.
 * This file owns the module's memory layout on the JS side; the offsets must match the WAT.
 */
import { K, type NonceScanner, type SearchConstants, IV, TAIL_PAD, DIGEST_BITS } from '../sha256-js.js';
import { simdWasmApi, splat, type WasmApi, type WasmModule } from '../../primitives/wasm/wasm-api.js';
import { SHA256D_WASM_BASE64 } from './sha256d-wasm.js';

/** Byte offsets of the WAT's memory layout (see its header comment). */
const LAYOUT = { k: 0, w1: 1024, w2: 2048, s3: 3072, mid: 3200, iv: 3328, top: 3584 } as const;

interface ScanExports {
  memory: { buffer: ArrayBuffer };
  scan(start: number, count: number): number;
}

/**
 * The compiled module, shared by every scanner in this thread (each gets its own instance and
 * memory). Cached because compiling is the costly part; undefined until first asked for.
 */
let compiled: WasmModule | undefined;

function compiledModule(): { api: WasmApi; module: WasmModule } {
  const api = simdWasmApi();
  if (!api) throw new Error('WebAssembly SIMD is not supported by this runtime');
  compiled ??= new api.Module(Buffer.from(SHA256D_WASM_BASE64, 'base64'));
  return { api, module: compiled };
}

export class WasmScanner implements NonceScanner {
  private readonly exports: ScanExports;

  constructor(constants: SearchConstants) {
    const { api, module } = compiledModule();
    this.exports = new api.Instance(module).exports as ScanExports;
    // WebAssembly memory is little-endian, as is every platform Node runs on, so an
    // Int32Array view writes the words the WAT loads.
    const words = new Int32Array(this.exports.memory.buffer);
    for (let t = 0; t < 64; t++) splat(words, LAYOUT.k + t * 16, K[t]);
    for (let t = 0; t < 18; t++) splat(words, LAYOUT.w1 + t * 16, constants.tailSchedule[t]);
    splat(words, LAYOUT.w2 + 8 * 16, TAIL_PAD);
    for (let t = 9; t < 15; t++) splat(words, LAYOUT.w2 + t * 16, 0);
    splat(words, LAYOUT.w2 + 15 * 16, DIGEST_BITS);
    for (let i = 0; i < 8; i++) {
      splat(words, LAYOUT.s3 + i * 16, constants.afterRound3[i]);
      splat(words, LAYOUT.mid + i * 16, constants.midstate[i]);
      splat(words, LAYOUT.iv + i * 16, IV[i]);
    }
    splat(words, LAYOUT.top, constants.targetTop | 0);
  }

  scan(start: number, count: number): number {
    return this.exports.scan(start | 0, count);
  }
}
