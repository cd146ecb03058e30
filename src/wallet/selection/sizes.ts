/**
 * Sizes and fees of P2WPKH spends, estimated before signing with the largest signature (72 bytes
 * with its sighash byte), so the fee paid is never below the target rate.
 */

/** outpoint 36 + empty scriptSig 1 + sequence 4, times 4, plus witness: count 1, sig 1+72, key 1+33. */
export const P2WPKH_INPUT_WEIGHT = 41 * 4 + 108;
/** version 4 + input count 1 + output count 1 + locktime 4, times 4, plus the segwit marker and flag. */
const TX_OVERHEAD_WEIGHT = 10 * 4 + 2;
export const P2WPKH_SCRIPT_LENGTH = 22;
/** Core's dust threshold for a P2WPKH output at the 3 sat/vB dust relay fee: (31 + 67) * 3. */
export const P2WPKH_DUST = 294n;
/** vbytes one P2WPKH input adds (68). */
export const P2WPKH_INPUT_VSIZE = Math.ceil(P2WPKH_INPUT_WEIGHT / 4);
/** vbytes of a P2WPKH change output (31). */
export const P2WPKH_OUTPUT_VSIZE = 8 + 1 + P2WPKH_SCRIPT_LENGTH;

export function outputWeight(scriptLength: number): number {
  return (8 + 1 + scriptLength) * 4;
}

export function estimateVsize(inputCount: number, outputScriptLengths: readonly number[]): number {
  const weight = TX_OVERHEAD_WEIGHT + inputCount * P2WPKH_INPUT_WEIGHT + outputScriptLengths.reduce((sum, len) => sum + outputWeight(len), 0);
  return Math.ceil(weight / 4);
}

/** fee for `vsize` at `feeRate` sat/kvB, rounded up as Core's CFeeRate::GetFee. */
export function feeFor(vsize: number, feeRate: bigint): bigint {
  return (feeRate * BigInt(vsize) + 999n) / 1000n;
}
