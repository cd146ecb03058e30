/**
 * Double SHA-256 of two 32-byte hashes side by side: the one hash a merkle tree is made of. A
 * 2,000-tx block has two trees (txids and wtxids) of ~2,000 of these each, checked by every
 * node a block reaches. Through node:crypto each costs two native calls and two buffers (a few
 * microseconds); here it is three compressions over local variables, and the second block of
 * the first hash (padding only, the same for every 64-byte message) has its schedule computed
 * once. Checked against node:crypto in test/primitives/sha256-pair.test.ts.
 */

import { expandSchedule, IV, paddingSchedule64, runRounds } from './sha256-core.js';

/** Message schedule and states, reused by every call (one thread, no reentrancy: nothing here awaits). */
const w = new Int32Array(64);
const state = new Int32Array(8);
const before = new Int32Array(8);

/** One compression of `schedule` (already expanded) into `h`, in place, the final additions included. */
function compress(h: Int32Array, schedule: Int32Array): void {
  before.set(h);
  runRounds(h, schedule, 0, 64);
  for (let i = 0; i < 8; i++) h[i] = (h[i] + before[i]) | 0;
}

const PAD_64 = paddingSchedule64();

function readWords(bytes: Uint8Array, into: Int32Array, at: number): void {
  for (let i = 0; i < 8; i++) {
    const o = i * 4;
    into[at + i] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
  }
}

/** SHA-256(SHA-256(left || right)) for two 32-byte inputs; a new 32-byte array. */
export function sha256dPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== 32 || right.length !== 32) throw new RangeError('sha256dPair hashes two 32-byte values');
  readWords(left, w, 0);
  readWords(right, w, 8);
  expandSchedule(w);
  state.set(IV);
  compress(state, w);
  compress(state, PAD_64);
  // The second hash: the 32-byte digest, 0x80, zeros, the bit length 256; one block.
  for (let i = 0; i < 8; i++) w[i] = state[i];
  w[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) w[i] = 0;
  w[15] = 256;
  expandSchedule(w);
  state.set(IV);
  compress(state, w);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = state[i];
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}
