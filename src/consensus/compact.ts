/**
 * Bitcoin Core's compact target encoding ("nBits"): a base-256 exponent byte and a 23-bit
 * mantissa with a sign bit, exactly as arith_uint256::SetCompact / GetCompact.
 */
export interface DecodedCompact {
  target: bigint;
  negative: boolean;
  overflow: boolean;
}

const MAX_UINT256 = (1n << 256n) - 1n;

export function decodeCompact(bits: number): DecodedCompact {
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = BigInt(word) << BigInt(8 * (size - 3));
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow =
    word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target: target & MAX_UINT256, negative, overflow };
}

/**
 * The target's magnitude, as SetCompact leaves it: a negative encoding gives its absolute value
 * and an overflowing one is cut to 256 bits. Use decodeCompact when the flags matter (PoW does).
 */
export function compactToTarget(bits: number): bigint {
  return decodeCompact(bits).target;
}

function byteLength(value: bigint): number {
  let n = 0;
  while (value > 0n) {
    value >>= 8n;
    n++;
  }
  return n;
}

/** GetCompact: the shortest encoding, never setting the sign bit for a positive target. */
export function targetToCompact(target: bigint, negative = false): number {
  let size = byteLength(target);
  let compact: number;
  if (size <= 3) {
    compact = Number(target) << (8 * (3 - size));
  } else {
    compact = Number((target >> BigInt(8 * (size - 3))) & 0xffffffffn);
  }
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  compact |= size << 24;
  if (negative && (compact & 0x007fffff) !== 0) compact |= 0x00800000;
  return compact >>> 0;
}
