// SHA-256's constants (FIPS 180-4) and its schedule and rounds over Int32Arrays: the pieces the
// miner's nonce search (miner/sha256-js.ts) and the merkle trees' pair hash (sha256-pair.ts)
// are made of, in a module of their own so tools/build-sha256-js.ts can read the constants
// without loading the code it generates.

/** SHA-256 round constants. */
export const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 initial state. */
export const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
const bigSigma0 = (a: number): number => rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
const bigSigma1 = (e: number): number => rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
const smallSigma0 = (x: number): number => rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
const smallSigma1 = (x: number): number => rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10);

/** Fills w[16..to) from w[0..16) with the SHA-256 message schedule. */
export function expandSchedule(w: Int32Array, from = 16, to = 64): void {
  for (let t = from; t < to; t++) w[t] = (smallSigma1(w[t - 2]) + w[t - 7] + smallSigma0(w[t - 15]) + w[t - 16]) | 0;
}

/** The expanded schedule of any 64-byte message's padding block: 0x80, zeros, the bit length 512. */
export function paddingSchedule64(): Int32Array {
  const w = new Int32Array(64);
  w[0] = 0x80000000 | 0;
  w[15] = 512;
  expandSchedule(w);
  return w;
}

/** Runs rounds [from, to) over `state` in place, reading an already expanded schedule `w`. */
export function runRounds(state: Int32Array, w: Int32Array, from: number, to: number): void {
  let a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (let t = from; t < to; t++) {
    const t1 = (h + bigSigma1(e) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
    const t2 = (bigSigma0(a) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = a; state[1] = b; state[2] = c; state[3] = d; state[4] = e; state[5] = f; state[6] = g; state[7] = h;
}
