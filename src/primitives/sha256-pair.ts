/**
 * Double SHA-256 of two 32-byte hashes side by side: the one hash a merkle tree is made of. A
 * 2,000-tx block has two trees (txids and wtxids) of ~2,000 of these each, checked by every
 * node a block reaches. Through node:crypto each costs two native calls and two buffers (a few
 * microseconds); here it is three compressions over local variables, and the second block of
 * the first hash (padding only, the same for every 64-byte message) has its schedule computed
 * once. Checked against node:crypto in test/primitives/sha256-pair.test.ts.
 */

/** SHA-256 round constants (FIPS 180-4). */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 initial state. */
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Message schedule, reused by every call (one thread, no reentrancy: nothing here awaits). */
const w = new Int32Array(64);
const state = new Int32Array(8);
const firstDigest = new Int32Array(8);

function expand(schedule: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const a = schedule[t - 15];
    const b = schedule[t - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    schedule[t] = (s1 + schedule[t - 7] + s0 + schedule[t - 16]) | 0;
  }
}

/** One compression of `schedule` (already expanded) into `h`, in place (the final additions included). */
function compress(h: Int32Array, schedule: Int32Array): void {
  let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[t] + schedule[t]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + hh) | 0;
}

/** The padding block of any 64-byte message: 0x80, zeros, the bit length 512. */
const PAD_64 = new Int32Array(64);
PAD_64[0] = 0x80000000 | 0;
PAD_64[15] = 512;
expand(PAD_64);

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
  expand(w);
  state.set(IV);
  compress(state, w);
  compress(state, PAD_64);
  firstDigest.set(state);
  // The second hash: the 32-byte digest, 0x80, zeros, the bit length 256; one block.
  for (let i = 0; i < 8; i++) w[i] = firstDigest[i];
  w[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) w[i] = 0;
  w[15] = 256;
  expand(w);
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
