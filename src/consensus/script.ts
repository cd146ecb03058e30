import { P2WPKH_PROGRAM_LENGTH, segwitOutputScript } from '../primitives/address.js';
import type { Transaction } from '../primitives/transaction.js';
import { RuleError } from './errors.js';

export const OP_0 = 0x00;
export const OP_RETURN = 0x6a;
export const OP_DUP = 0x76;
export const OP_HASH160 = 0xa9;
export const OP_EQUALVERIFY = 0x88;
export const OP_CHECKSIG = 0xac;

/** Core's MAX_SCRIPT_SIZE: a longer script can never be executed, so its output is unspendable. */
export const MAX_SCRIPT_SIZE = 10_000;
export const P2WPKH_SCRIPT_LENGTH = 2 + P2WPKH_PROGRAM_LENGTH;

/** The only output kinds our chain knows: spendable P2WPKH, data-carrying OP_RETURN, and everything else (invalid). */
export type OutputScriptType = 'p2wpkh' | 'nulldata' | 'nonstandard';

/** `OP_0 <20-byte hash160(pubkey)>`, the output script that pays a key. */
export function p2wpkhScript(hash20: Uint8Array): Uint8Array {
  if (hash20.length !== P2WPKH_PROGRAM_LENGTH) throw new RangeError(`a P2WPKH program is 20 bytes, got ${hash20.length}`);
  return segwitOutputScript(0, hash20);
}

/** The 20-byte key hash of a P2WPKH script (a view into `script`), or undefined for any other script. */
export function p2wpkhProgram(script: Uint8Array): Uint8Array | undefined {
  return isP2wpkhScript(script) ? script.subarray(2) : undefined;
}

/** Like p2wpkhProgram, without making the view: every output of every block is classified. */
export function isP2wpkhScript(script: Uint8Array): boolean {
  return script.length === P2WPKH_SCRIPT_LENGTH && script[0] === OP_0 && script[1] === P2WPKH_PROGRAM_LENGTH;
}

/** Any script starting with OP_RETURN: it carries data and can never be spent (BIP141's commitment is one). */
export function isNullData(script: Uint8Array): boolean {
  return script.length > 0 && script[0] === OP_RETURN;
}

export function classifyOutputScript(script: Uint8Array): OutputScriptType {
  if (isP2wpkhScript(script)) return 'p2wpkh';
  if (isNullData(script)) return 'nulldata';
  return 'nonstandard';
}

/** Core's CScript::IsUnspendable: such outputs never enter the UTXO set. */
export function isUnspendable(script: Uint8Array): boolean {
  return isNullData(script) || script.length > MAX_SCRIPT_SIZE;
}

/**
 * BIP143's scriptCode for a P2WPKH input: the P2PKH script of the same key hash,
 * `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG` (the sighash adds the 0x19 length prefix).
 */
export function p2wpkhScriptCode(hash20: Uint8Array): Uint8Array {
  if (hash20.length !== P2WPKH_PROGRAM_LENGTH) throw new RangeError(`a P2WPKH program is 20 bytes, got ${hash20.length}`);
  const code = new Uint8Array(25);
  code[0] = OP_DUP;
  code[1] = OP_HASH160;
  code[2] = P2WPKH_PROGRAM_LENGTH;
  code.set(hash20, 3);
  code[23] = OP_EQUALVERIFY;
  code[24] = OP_CHECKSIG;
  return code;
}

/** powcoin's output rule: every output is P2WPKH or OP_RETURN; anything else could never be spent by our verifier. */
export function checkOutputScripts(tx: Transaction): void {
  for (let i = 0; i < tx.outputs.length; i++) {
    if (classifyOutputScript(tx.outputs[i].script) === 'nonstandard') {
      throw new RuleError('bad-txns-output-script', `output ${i} is neither P2WPKH nor OP_RETURN`);
    }
  }
}
