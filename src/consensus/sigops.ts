/**
 * Signature-operation counting, as Bitcoin Core's GetSigOpCount / GetLegacySigOpCount /
 * GetTransactionSigOpCost. Sigops bound the CPU a block can demand, so the parser must be
 * exact on real scripts and harmless on garbage: a truncated push ends the count, as Core's GetOp.
 */
import type { Coin } from '../primitives/coin.js';
import type { Transaction } from '../primitives/transaction.js';
import { WITNESS_SCALE_FACTOR } from '../primitives/transaction.js';
import { RuleError } from './errors.js';
import { isP2wpkhScript } from './script.js';

/** BIP141: the per-block budget, in cost units (a legacy sigop costs 4, a witness sigop 1). */
export const MAX_BLOCK_SIGOPS_COST = 80_000;
/** An inaccurately counted CHECKMULTISIG is charged the most keys it could check. */
export const MAX_PUBKEYS_PER_MULTISIG = 20;

const OP_0 = 0x00;
const OP_PUSHDATA1 = 0x4c;
const OP_PUSHDATA2 = 0x4d;
const OP_PUSHDATA4 = 0x4e;
const OP_1 = 0x51;
const OP_16 = 0x60;
const OP_CHECKSIG = 0xac;
const OP_CHECKSIGVERIFY = 0xad;
const OP_CHECKMULTISIG = 0xae;
const OP_CHECKMULTISIGVERIFY = 0xaf;

/** Offset of the next opcode after the one at `pc`, or -1 when a push runs past the end (Core's GetOp failing). */
function nextOpcodeOffset(script: Uint8Array, pc: number): number {
  const opcode = script[pc++];
  if (opcode > OP_PUSHDATA4) return pc;
  let size: number;
  if (opcode < OP_PUSHDATA1) {
    size = opcode;
  } else {
    const lengthBytes = opcode === OP_PUSHDATA1 ? 1 : opcode === OP_PUSHDATA2 ? 2 : 4;
    if (script.length - pc < lengthBytes) return -1;
    size = 0;
    for (let i = lengthBytes - 1; i >= 0; i--) size = size * 256 + script[pc + i];
    pc += lengthBytes;
  }
  if (script.length - pc < size) return -1;
  return pc + size;
}

/**
 * Core's CScript::GetSigOpCount. With `accurate` false (legacy counting) every CHECKMULTISIG is
 * charged 20; with `accurate` true (witness scripts) a preceding OP_1..OP_16 gives the key count.
 */
export function countScriptSigOps(script: Uint8Array, accurate = false): number {
  let count = 0;
  let lastOpcode = -1;
  let pc = 0;
  while (pc < script.length) {
    const opcode = script[pc];
    const next = nextOpcodeOffset(script, pc);
    if (next < 0) break;
    if (opcode === OP_CHECKSIG || opcode === OP_CHECKSIGVERIFY) {
      count++;
    } else if (opcode === OP_CHECKMULTISIG || opcode === OP_CHECKMULTISIGVERIFY) {
      count += accurate && lastOpcode >= OP_1 && lastOpcode <= OP_16 ? lastOpcode - OP_1 + 1 : MAX_PUBKEYS_PER_MULTISIG;
    }
    lastOpcode = opcode;
    pc = next;
  }
  return count;
}

/** Core's GetLegacySigOpCount: scriptSigs and output scripts, counted inaccurately, unscaled. */
export function legacySigOpCount(tx: Transaction): number {
  let count = 0;
  for (const input of tx.inputs) count += countScriptSigOps(input.scriptSig);
  for (const output of tx.outputs) count += countScriptSigOps(output.script);
  return count;
}

/** Core's IsWitnessProgram: a version opcode then one push of 2..40 bytes filling the script. */
export function witnessProgram(script: Uint8Array): { version: number; program: Uint8Array } | undefined {
  if (script.length < 4 || script.length > 42) return undefined;
  const first = script[0];
  if (first !== OP_0 && (first < OP_1 || first > OP_16)) return undefined;
  if (script[1] + 2 !== script.length) return undefined;
  return { version: first === OP_0 ? 0 : first - OP_1 + 1, program: script.subarray(2) };
}

/**
 * Core's CountWitnessSigOps for native witness programs: P2WPKH costs 1 whatever its witness;
 * P2WSH counts its witness script accurately. P2SH-wrapped witness programs are not counted:
 * powcoin has no P2SH outputs, and real Bitcoin blocks are never connected against a UTXO set here.
 */
export function witnessSigOpCount(witness: readonly Uint8Array[], spentScript: Uint8Array): number {
  // The one kind powcoin's outputs have, answered without making the program's view.
  if (isP2wpkhScript(spentScript)) return 1;
  const wp = witnessProgram(spentScript);
  if (!wp || wp.version !== 0) return 0;
  if (wp.program.length === 20) return 1;
  if (wp.program.length === 32 && witness.length > 0) return countScriptSigOps(witness[witness.length - 1], true);
  return 0;
}

/**
 * Core's GetTransactionSigOpCost: legacy sigops x4 plus witness sigops (only once segwit is
 * active). `spentCoins[i]` is the coin input i spends; a coinbase has none.
 */
export function transactionSigOpCost(tx: Transaction, spentCoins: readonly Coin[], witnessActive: boolean): number {
  let cost = legacySigOpCount(tx) * WITNESS_SCALE_FACTOR;
  if (tx.isCoinbase() || !witnessActive) return cost;
  const { inputs } = tx;
  for (let i = 0; i < inputs.length; i++) cost += witnessSigOpCount(inputs[i].witness, spentCoins[i].script);
  return cost;
}

/** The block-level cap; Core's message differs by caller, so it is passed in. */
export function checkBlockSigOpsCost(cost: number, message = 'out-of-bounds SigOpCount'): void {
  if (cost > MAX_BLOCK_SIGOPS_COST) throw new RuleError('bad-blk-sigops', `${message} (cost ${cost})`);
}
