/**
 * The WebAssembly SIMD merkle tree (merkle.wat): four pair hashes per iteration, the whole tree
 * in the module's memory. A 2,000-tx block has two trees (txids and wtxids) checked by every
 * node it reaches; in JS each costs ~2.3 ms here, allocating a 32-byte array per pair.
 * This file owns the module's memory layout on the JS side; the offsets must match the WAT.
 */
import { IV, K, paddingSchedule64 } from '../sha256-core.js';
import { MERKLE_WASM_BASE64 } from './merkle-wasm.js';
import { ensureMemory, simdWasmApi, splat, type WasmMemory } from './wasm-api.js';

/** Byte offsets of the WAT's memory layout (see its header comment). */
const LAYOUT = { k: 0, pad: 2048, iv: 3072, tree: 4096 } as const;
/** Past a level's end the last group of four pairs reads and writes (see the WAT's `merkle`). */
const SLACK_HASHES = 8;

interface MerkleExports {
  memory: WasmMemory;
  merkle(count: number): number;
}

export class MerkleKernel {
  private constructor(private readonly exports: MerkleExports) {
    const words = new Int32Array(exports.memory.buffer);
    const pad = paddingSchedule64();
    for (let t = 0; t < 64; t++) {
      splat(words, LAYOUT.k + t * 16, K[t]);
      splat(words, LAYOUT.pad + t * 16, pad[t]);
    }
    for (let i = 0; i < 8; i++) splat(words, LAYOUT.iv + i * 16, IV[i]);
  }

  /** A kernel with its own instance and memory, or undefined where WebAssembly SIMD is not run. */
  static create(): MerkleKernel | undefined {
    const api = simdWasmApi();
    if (!api) return undefined;
    const module = new api.Module(Buffer.from(MERKLE_WASM_BASE64, 'base64'));
    return new MerkleKernel(new api.Instance(module).exports as MerkleExports);
  }

  /** Core's ComputeMerkleRoot over two or more 32-byte leaves (internal byte order). */
  root(leaves: readonly Uint8Array[]): { root: Uint8Array; mutated: boolean } {
    const { memory } = this.exports;
    const needed = LAYOUT.tree + (leaves.length + SLACK_HASHES) * 32;
    ensureMemory(memory, needed);
    // The view is made after growing: growing detaches the old buffer.
    const tree = new Uint8Array(memory.buffer, LAYOUT.tree);
    leaves.forEach((leaf, i) => {
      if (leaf.length !== 32) throw new RangeError('merkle leaves are 32-byte hashes');
      tree.set(leaf, i * 32);
    });
    const mutated = this.exports.merkle(leaves.length) === 1;
    return { root: tree.slice(0, 32), mutated };
  }
}
