import { type SignatureCheck, signatureCheckKey } from './p2wpkh.js';

/** Whatever runs the ECDSA checks (inline or on worker threads): the index of the first failure, or -1. */
export interface SignatureBatchVerifier {
  verifyAll(checks: readonly SignatureCheck[]): Promise<number>;
}

/** A set of checks known to have passed, keyed by `signatureCheckKey`. Holds successes only. */
export interface PassedSignatures {
  has(key: string): boolean;
  add(key: string): void;
}

/**
 * Verifies only the checks `cache` has not seen, and returns the failing index in `checks`.
 * Every check before the first failure is proven valid, and validity is a fact about the
 * (sighash, signature, key) triple whatever becomes of the block, so those are cached one by one;
 * the failing check is not, nor any after it, which may never have been verified.
 */
export async function verifyWithCache(verifier: SignatureBatchVerifier, cache: PassedSignatures, checks: readonly SignatureCheck[]): Promise<number> {
  const keys = checks.map(signatureCheckKey);
  const uncached: number[] = [];
  for (let i = 0; i < checks.length; i++) {
    if (!cache.has(keys[i])) uncached.push(i);
  }
  if (uncached.length === 0) return -1;
  const failed = await verifier.verifyAll(uncached.map((i) => checks[i]));
  const passed = failed < 0 ? uncached.length : failed;
  for (let j = 0; j < passed; j++) cache.add(keys[uncached[j]]);
  // Cached checks passed before, so the first uncached failure is the first failure overall.
  return failed < 0 ? -1 : uncached[failed];
}
