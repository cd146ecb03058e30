/**
 * The merkle branch of the first leaf (the coinbase), so a new extranonce costs one txid and
 * log2(n) hashes instead of rehashing every txid: what Stratum and getblocktemplate miners use.
 */
import { sha256d } from '../primitives/hash.js';

/** Siblings of leaf 0 from the bottom level up; `rest` are leaves 1..n-1 in internal byte order. */
export function firstLeafBranch(rest: readonly Uint8Array[]): Uint8Array[] {
  const branch: Uint8Array[] = [];
  // Level 0 without its first leaf, which stands for the (unknown) coinbase.
  let level: Uint8Array[] = rest.slice();
  const pair = new Uint8Array(64);
  while (level.length > 0) {
    branch.push(level[0]);
    // Pair up what follows the sibling; the first leaf's own pair is folded in by rootFromBranch.
    const tail = level.slice(1);
    if (tail.length & 1) tail.push(tail[tail.length - 1]);
    const next: Uint8Array[] = new Array(tail.length / 2);
    for (let i = 0; i < next.length; i++) {
      pair.set(tail[2 * i], 0);
      pair.set(tail[2 * i + 1], 32);
      next[i] = sha256d(pair);
    }
    level = next;
  }
  return branch;
}

/** Folds the first leaf up its branch to the root; equals computeMerkleRoot over the whole list. */
export function rootFromBranch(firstLeaf: Uint8Array, branch: readonly Uint8Array[]): Uint8Array {
  let hash = firstLeaf;
  const pair = new Uint8Array(64);
  for (const sibling of branch) {
    pair.set(hash, 0);
    pair.set(sibling, 32);
    hash = sha256d(pair);
  }
  return hash;
}
