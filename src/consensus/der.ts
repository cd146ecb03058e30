import { COMPACT_SIGNATURE_LENGTH, CURVE_ORDER, HALF_CURVE_ORDER } from '../primitives/keys.js';

/** A DER signature split into its integers and the trailing sighash type byte. */
export interface DerSignature {
  readonly r: bigint;
  readonly s: bigint;
  readonly hashType: number;
}

/** DER header + two INTEGER headers + hash type byte, with r and s of one byte each. */
const MIN_SIGNATURE_LENGTH = 9;
/** Two 33-byte integers plus headers and the hash type byte. */
const MAX_SIGNATURE_LENGTH = 73;
const SEQUENCE_TAG = 0x30;
const INTEGER_TAG = 0x02;

/**
 * BIP66's IsValidSignatureEncoding, byte for byte: `0x30 len 0x02 lenR R 0x02 lenS S hashtype`
 * with minimal, non-negative integers. Any other encoding is refused before parsing, so no
 * two byte strings carry the same signature (malleability) and no parser quirk matters.
 */
export function isValidSignatureEncoding(sig: Uint8Array): boolean {
  if (sig.length < MIN_SIGNATURE_LENGTH || sig.length > MAX_SIGNATURE_LENGTH) return false;
  if (sig[0] !== SEQUENCE_TAG) return false;
  if (sig[1] !== sig.length - 3) return false; // the length covers everything but tag, length and hash type
  const lenR = sig[3];
  if (5 + lenR >= sig.length) return false; // S's length byte must lie inside the signature
  const lenS = sig[5 + lenR];
  if (lenR + lenS + 7 !== sig.length) return false;
  return isMinimalInteger(sig, 2, lenR) && isMinimalInteger(sig, 4 + lenR, lenS);
}

/** The INTEGER at `tagAt`: right tag, not empty, not negative, no needless leading zero. */
function isMinimalInteger(sig: Uint8Array, tagAt: number, length: number): boolean {
  if (sig[tagAt] !== INTEGER_TAG) return false;
  if (length === 0) return false;
  const first = sig[tagAt + 2];
  if (first & 0x80) return false;
  if (length > 1 && first === 0x00 && !(sig[tagAt + 3] & 0x80)) return false;
  return true;
}

/** Reads r, s and the hash type of a signature that passed `isValidSignatureEncoding`. */
export function parseDerSignature(sig: Uint8Array): DerSignature {
  if (!isValidSignatureEncoding(sig)) throw new RangeError('not a strict DER signature');
  const lenR = sig[3];
  const lenS = sig[5 + lenR];
  return {
    r: readUnsigned(sig.subarray(4, 4 + lenR)),
    s: readUnsigned(sig.subarray(6 + lenR, 6 + lenR + lenS)),
    hashType: sig[sig.length - 1],
  };
}

function readUnsigned(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * BIP146 LOW_S: S in the upper half of the order is refused (its negation is equally valid).
 * An S at or above n is not "high" here: Core's lax parser turns any out-of-range signature
 * into zero, which passes the low-S test and then fails verification. We keep that order.
 */
export function isHighS(s: bigint): boolean {
  return s > HALF_CURVE_ORDER && s < CURVE_ORDER;
}

/**
 * 64-byte r || s for the verifier. r or s outside [0, n) becomes all zeros, as Core's lax DER
 * parser does on overflow, so such a signature simply fails verification.
 */
export function toCompactSignature(r: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(COMPACT_SIGNATURE_LENGTH);
  if (r >= CURVE_ORDER || s >= CURVE_ORDER) return out;
  writeUnsigned32(out, 0, r);
  writeUnsigned32(out, 32, s);
  return out;
}

function writeUnsigned32(out: Uint8Array, offset: number, n: bigint): void {
  for (let i = 31; i >= 0; i--) {
    out[offset + i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

/** Strict DER of a compact signature, with the hash type byte appended: the form a witness carries. */
export function encodeDerSignature(compact: Uint8Array, hashType: number): Uint8Array {
  if (compact.length !== COMPACT_SIGNATURE_LENGTH) throw new RangeError(`a compact signature is 64 bytes, got ${compact.length}`);
  const r = minimalInteger(compact.subarray(0, 32));
  const s = minimalInteger(compact.subarray(32, 64));
  const out = new Uint8Array(7 + r.length + s.length);
  out[0] = SEQUENCE_TAG;
  out[1] = 4 + r.length + s.length;
  out[2] = INTEGER_TAG;
  out[3] = r.length;
  out.set(r, 4);
  out[4 + r.length] = INTEGER_TAG;
  out[5 + r.length] = s.length;
  out.set(s, 6 + r.length);
  out[out.length - 1] = hashType;
  return out;
}

/** Big-endian bytes without leading zeros, plus one 0x00 when the top bit would read as negative. */
function minimalInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  if (!(trimmed[0] & 0x80)) return trimmed;
  const padded = new Uint8Array(trimmed.length + 1);
  padded.set(trimmed, 1);
  return padded;
}
