import { RuleError } from '../consensus/errors.js';
import { isP2wpkhScript } from '../consensus/script.js';
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
  checkNotWitnessStripped(tx, coins);
  const sighashes = new SighashCache(tx);
  const checks = coins.map((coin, i) => prepareP2wpkhInput(tx, i, coin, sighashes));
  const failed = await verifyWithCache(verifier, cache, checks);
  if (failed >= 0) throw new RuleError('mandatory-script-verify-flag-failed', `input ${failed}: Signature must be zero for failed CHECK(MULTI)SIG operation`);
}

/**
 * Core's TX_WITNESS_STRIPPED: a tx with no witness at all that spends witness outputs fails only
 * for want of the witnesses a relay may have dropped; the tx itself (its txid) may be fine. Still
 * refused, but without blaming the relayer.
 */
export function checkNotWitnessStripped(tx: Transaction, coins: readonly SpentOutput[]): void {
  if (tx.hasWitness() || !coins.some((coin) => isP2wpkhScript(coin.script))) return;
  throw new RuleError('mandatory-script-verify-flag-failed', 'Witness program was passed an empty witness (witness stripped)', { action: 'ignore' });
}
