import { RuleError } from '../consensus/errors.js';
import { prepareP2wpkhInput, type SpentOutput } from '../consensus/p2wpkh.js';
import { verifyWithCache } from '../consensus/verify-with-cache.js';
import { SighashCache } from '../consensus/sighash.js';
import type { Transaction } from '../primitives/transaction.js';
import type { SignatureCacheView, SignatureCheckVerifier } from './interfaces.js';

/**
 * Every input's script rules, then the ECDSA checks the shared cache has not seen. Checks that
 * pass go into the cache under the chain's key (`signatureCheckKey`), so when the tx is mined
 * its block connects without verifying them again. Throws mandatory-script-verify-flag-failed.
 */
export async function checkScripts(tx: Transaction, coins: readonly SpentOutput[], verifier: SignatureCheckVerifier, cache: SignatureCacheView): Promise<void> {
  const sighashes = new SighashCache(tx);
  const checks = coins.map((coin, i) => prepareP2wpkhInput(tx, i, coin, sighashes));
  const failed = await verifyWithCache(verifier, cache, checks);
  if (failed >= 0) throw new RuleError('mandatory-script-verify-flag-failed', `input ${failed}: Signature must be zero for failed CHECK(MULTI)SIG operation`);
}
