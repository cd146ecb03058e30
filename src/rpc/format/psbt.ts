/** PSBTs in Core's decodepsbt and analyzepsbt shapes. */
import { psbtFee, type PsbtAnalysis } from '../../consensus/psbt-roles.js';
import { toHex } from '../../primitives/bytes.js';
import type { KeyOrigin, Psbt } from '../../primitives/psbt.js';
import { amountJson } from '../amounts.js';
import { scriptAsm, scriptPubKeyJson } from './script.js';
import { txJson } from './tx.js';

export const SIGHASH_NAMES: Readonly<Record<string, number>> = {
  ALL: 0x01,
  NONE: 0x02,
  SINGLE: 0x03,
  'ALL|ANYONECANPAY': 0x81,
  'NONE|ANYONECANPAY': 0x82,
  'SINGLE|ANYONECANPAY': 0x83,
};

export function sighashName(value: number): string {
  return Object.entries(SIGHASH_NAMES).find(([, v]) => v === value)?.[0] ?? String(value);
}

/** Core's WriteHDKeypath without apostrophes: m/84h/1h/0h/0/5. */
function pathText(path: readonly number[]): string {
  return ['m', ...path.map((index) => (index >= 0x80000000 ? `${index - 0x80000000}h` : String(index)))].join('/');
}

function derivs(origins: readonly KeyOrigin[]): Array<Record<string, string>> {
  return origins.map((origin) => ({ pubkey: toHex(origin.publicKey), master_fingerprint: origin.fingerprint, path: pathText(origin.path) }));
}

function unknownJson(entries: ReadonlyArray<{ key: Uint8Array; value: Uint8Array }>): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [toHex(entry.key), toHex(entry.value)]));
}

export function decodePsbtJson(psbt: Psbt, bech32Prefix: string): Record<string, unknown> {
  const inputs = [];
  for (let i = 0; i < psbt.inputCount; i++) {
    const view = psbt.input(i);
    const row: Record<string, unknown> = {};
    if (view.nonWitnessUtxo) row.non_witness_utxo = txJson(view.nonWitnessUtxo, bech32Prefix);
    if (view.witnessUtxo) row.witness_utxo = { amount: amountJson(view.witnessUtxo.value), scriptPubKey: scriptPubKeyJson(view.witnessUtxo.script, bech32Prefix) };
    if (view.partialSigs.length > 0) row.partial_signatures = Object.fromEntries(view.partialSigs.map((sig) => [toHex(sig.publicKey), toHex(sig.signature)]));
    if (view.sighashType !== undefined) row.sighash = sighashName(view.sighashType);
    if (view.redeemScript) row.redeem_script = { asm: scriptAsm(view.redeemScript), hex: toHex(view.redeemScript) };
    if (view.witnessScript) row.witness_script = { asm: scriptAsm(view.witnessScript), hex: toHex(view.witnessScript) };
    if (view.bip32Derivation.length > 0) row.bip32_derivs = derivs(view.bip32Derivation);
    if (view.finalScriptSig) row.final_scriptSig = { asm: scriptAsm(view.finalScriptSig), hex: toHex(view.finalScriptSig) };
    if (view.finalScriptWitness) row.final_scriptwitness = view.finalScriptWitness.map(toHex);
    if (view.unknown.length > 0) row.unknown = unknownJson(view.unknown);
    inputs.push(row);
  }
  const outputs = [];
  for (let i = 0; i < psbt.outputCount; i++) {
    const origins = psbt.outputDerivation(i);
    outputs.push(origins.length > 0 ? { bip32_derivs: derivs(origins) } : {});
  }
  let fee: bigint | undefined;
  try {
    fee = psbtFee(psbt);
  } catch {
    fee = undefined; // a nonWitnessUtxo that is not the spent tx: no fee, as Core
  }
  return {
    tx: txJson(psbt.tx, bech32Prefix),
    global_xpubs: [],
    psbt_version: 0,
    proprietary: [],
    unknown: {},
    inputs,
    outputs,
    ...(fee !== undefined ? { fee: amountJson(fee) } : {}),
  };
}

export function analyzePsbtJson(analysis: PsbtAnalysis): Record<string, unknown> {
  const result: Record<string, unknown> = {
    inputs: analysis.inputs.map((input) => ({ ...input })),
  };
  if (analysis.estimated_vsize !== undefined) result.estimated_vsize = analysis.estimated_vsize;
  if (analysis.estimated_feerate !== undefined) result.estimated_feerate = amountJson(analysis.estimated_feerate);
  if (analysis.fee !== undefined) result.fee = amountJson(analysis.fee);
  result.next = analysis.next;
  if (analysis.error !== undefined) result.error = analysis.error;
  return result;
}
