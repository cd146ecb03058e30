import { concatBytes, hashToHex, hexToHash } from './bytes.js';
import { sha256d } from './hash.js';
import { sha256dPair } from './sha256-pair.js';
import { MerkleKernel } from './wasm/merkle-kernel.js';

export interface MerkleResult {
  /** Internal byte order. */
  root: Uint8Array;
  /**
   * True when two identical hashes were paired at some level (CVE-2012-2459): such a tree has
   * the same root as a shorter, different transaction list, so the block must be refused.
   */
  mutated: boolean;
}

/**
 * The WebAssembly SIMD kernel, made when first needed; null where the runtime has no SIMD.
 * Module state like sha256-pair.ts's buffers: one thread, and nothing in a tree awaits.
 */
let kernel: MerkleKernel | null | undefined;

/** Bitcoin Core's ComputeMerkleRoot: odd levels duplicate their last hash. Leaves in internal order. */
export function computeMerkleRoot(leaves: readonly Uint8Array[]): MerkleResult {
  if (leaves.length === 0) return { root: new Uint8Array(32), mutated: false };
  if (leaves.length === 1) return { root: leaves[0].slice(), mutated: false };
  kernel ??= MerkleKernel.create() ?? null;
  return kernel ? kernel.root(leaves) : computeMerkleRootJs(leaves);
}

/** The same in JS, one pair at a time: where WebAssembly SIMD is missing, and to check the kernel against. */
export function computeMerkleRootJs(leaves: readonly Uint8Array[]): MerkleResult {
  if (leaves.length === 0) return { root: new Uint8Array(32), mutated: false };
  let level = leaves.slice();
  let mutated = false;
  while (level.length > 1) {
    for (let i = 0; i + 1 < level.length; i += 2) {
      if (bytesEqual32(level[i], level[i + 1])) mutated = true;
    }
    if (level.length & 1) level.push(level[level.length - 1]);
    const next: Uint8Array[] = new Array(level.length / 2);
    for (let i = 0; i < next.length; i++) next[i] = sha256dPair(level[2 * i], level[2 * i + 1]);
    level = next;
  }
  return { root: level[0], mutated };
}

function bytesEqual32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** BIP141 commitment: sha256d(witnessRoot || reservedValue), both 32 bytes. */
export function witnessCommitmentHash(witnessRoot: Uint8Array, reservedValue: Uint8Array): Uint8Array {
  return sha256d(concatBytes(witnessRoot, reservedValue));
}

/** The library's convenience form: display-hex txids in, display-hex root out. */
export function merkleRoot(txids: readonly string[]): string {
  return hashToHex(computeMerkleRoot(txids.map(hexToHash)).root);
}
