import { decodeCompact } from './compact.js';

const TWO_256 = 1n << 256n;

/** The expected number of hashes to find a block at these bits: 2^256 / (target + 1), as Core's GetBlockProof. */
export function blockProof(bits: number): bigint {
  const { target, negative, overflow } = decodeCompact(bits);
  if (negative || overflow || target === 0n) return 0n;
  return TWO_256 / (target + 1n);
}

/** Reads a 32-byte internal-order hash as the little-endian 256-bit number Core compares with the target. */
export function hashToBigInt(hashInternal: Uint8Array): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(hashInternal[i]);
  return value;
}

export type PowFailure = 'bad-bits' | 'high-hash';

/** Core's CheckProofOfWork: the bits must name a valid target within powLimit and the hash must not exceed it. */
export function checkProofOfWork(hashInternal: Uint8Array, bits: number, powLimit: bigint): PowFailure | undefined {
  const { target, negative, overflow } = decodeCompact(bits);
  if (negative || overflow || target === 0n || target > powLimit) return 'bad-bits';
  if (hashToBigInt(hashInternal) > target) return 'high-hash';
  return undefined;
}
