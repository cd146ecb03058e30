/**
 * The part of the WebAssembly JS API this project uses, declared here: its lib setting has no
 * DOM types and @types/node 20 does not declare WebAssembly. Read from globalThis, so a runtime
 * without WebAssembly at all is seen as one without SIMD, and its callers fall back to JS.
 */

export interface WasmModule {
  readonly wasmModule: true;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: unknown };
}

/** The smallest module using a v128 instruction: `(func (result v128) (v128.const i64x2 0 0))`. */
const SIMD_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b, // code: v128.const 0; end
]);

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let simdSupported: boolean | undefined;

/** Whether this runtime validates WebAssembly SIMD (v128) modules. */
export function wasmSimdSupported(): boolean {
  simdSupported ??= wasmApi !== undefined && wasmApi.validate(SIMD_PROBE);
  return simdSupported;
}

/** A module's exported memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE = 65_536;

/**
 * Grows `memory` to hold at least `bytes`. Growing detaches the old buffer: make views of
 * `memory.buffer` after this, not before.
 */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
}

/** The API, if this runtime has WebAssembly at all (modules without SIMD); else undefined. */
export function plainWasmApi(): WasmApi | undefined {
  return wasmApi;
}

/** The API, if this runtime runs SIMD modules; else undefined. */
export function simdWasmApi(): WasmApi | undefined {
  return wasmSimdSupported() ? wasmApi : undefined;
}

/** Writes `value` to all four lanes of the v128 slot at byte `offset` of a module's memory. */
export function splat(words: Int32Array, offset: number, value: number): void {
  const index = offset >> 2;
  words[index] = words[index + 1] = words[index + 2] = words[index + 3] = value;
}
