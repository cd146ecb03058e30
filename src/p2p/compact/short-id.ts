/** BIP152's 6-byte short transaction ids: SipHash-2-4 keyed by the block's header and a nonce. */
import { createHash } from 'node:crypto';
import { sipHash24, sipKey, type SipKey } from '../../primitives/siphash.js';
import { SipKernel } from '../../primitives/wasm/siphash-kernel.js';

/**
 * The WebAssembly kernel, made when first needed; null where the runtime has no WebAssembly.
 * Module state like merkle.ts's kernel: one thread, and nothing in a call awaits.
 */
let kernel: SipKernel | null | undefined;

/**
 * BIP152: k0 and k1 are the first two little-endian uint64s of single SHA-256 over the 80-byte
 * header followed by the 8-byte nonce.
 */
export function shortIdKey(header80: Uint8Array, nonce: Uint8Array): SipKey {
  return sipKey(createHash('sha256').update(header80).update(nonce).digest());
}

/** BIP152 short id: the low 48 bits of SipHash-2-4 over the wtxid (internal byte order), as a number. */
export function shortId(key: SipKey, wtxid: Uint8Array): number {
  const [hi, lo] = sipHash24(key, wtxid);
  return (hi & 0xffff) * 0x1_0000_0000 + lo;
}

/** shortId of each wtxid, in one WebAssembly call where the runtime has it (0.04 µs a hash here against 0.4 in JS). */
export function shortIds(key: SipKey, wtxids: readonly Uint8Array[]): number[] {
  kernel ??= SipKernel.create() ?? null;
  return kernel ? kernel.low48(key, wtxids) : wtxids.map((wtxid) => shortId(key, wtxid));
}
