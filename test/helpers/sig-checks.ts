/**
 * Real signature checks for verifier tests and benchmarks: each has its own key and message,
 * signed as P2WPKH signs (the signed digest is sha256 of the preimage hash).
 */
import type { SignatureCheck } from '../../src/consensus/p2wpkh.js';
import { sha256 } from '../../src/primitives/hash.js';
import { publicKeyFromPrivate, signDigest } from '../../src/primitives/keys.js';

/** `count` valid checks; `seed` picks a disjoint family of keys and messages. */
export function makeSignatureChecks(count: number, seed = 0): SignatureCheck[] {
  const checks: SignatureCheck[] = [];
  for (let i = 0; i < count; i++) {
    const privateKey = sha256(new Uint8Array(new Uint32Array([seed, i]).buffer));
    const preimageHash = sha256(privateKey);
    checks.push({ preimageHash, signature: signDigest(sha256(preimageHash), privateKey), publicKey: publicKeyFromPrivate(privateKey) });
  }
  return checks;
}

/** The same check with one bit of its message flipped: well formed, and fails. */
export function corrupted(check: SignatureCheck): SignatureCheck {
  const preimageHash = check.preimageHash.slice();
  preimageHash[0] ^= 1;
  return { ...check, preimageHash };
}

/** A copy of `checks` with the checks at `indexes` corrupted. */
export function withFailures(checks: readonly SignatureCheck[], ...indexes: number[]): SignatureCheck[] {
  const copy = checks.slice();
  for (const index of indexes) copy[index] = corrupted(copy[index]);
  return copy;
}
