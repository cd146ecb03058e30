import { InlineVerifier, type SignatureVerifier } from '../../src/verify/sig-verifier.js';
import type { SignatureCheck } from '../../src/consensus/p2wpkh.js';

/** A real inline verifier that counts the checks reaching it, i.e. those the signature cache did not answer. */
export class CountingVerifier implements SignatureVerifier {
  verified = 0;
  private readonly inner = new InlineVerifier();

  verifyAll(checks: readonly SignatureCheck[]): Promise<number> {
    this.verified += checks.length;
    return this.inner.verifyAll(checks);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
