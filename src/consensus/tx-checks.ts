/**
 * Context-free transaction rules: Bitcoin Core's CheckTransaction, one function per rule.
 * Nothing here needs the chain or the UTXO set, so it runs before any lookup.
 */
import type { Transaction } from '../primitives/transaction.js';
import { WITNESS_SCALE_FACTOR } from '../primitives/transaction.js';
import type { NetworkParams } from '../params/types.js';
import { RuleError } from './errors.js';
import { moneyRange } from './subsidy.js';

const MIN_COINBASE_SCRIPT_SIZE = 2;
const MAX_COINBASE_SCRIPT_SIZE = 100;

/** Runs every context-free rule in Core's order; throws the first RuleError. */
export function checkTransaction(tx: Transaction, params: NetworkParams): void {
  checkInputsNotEmpty(tx);
  checkOutputsNotEmpty(tx);
  checkTxSize(tx, params);
  checkOutputValues(tx, params);
  checkNoDuplicateInputs(tx);
  if (tx.isCoinbase()) checkCoinbaseScriptSize(tx);
  else checkNoNullPrevouts(tx);
}

export function checkInputsNotEmpty(tx: Transaction): void {
  if (tx.inputs.length === 0) throw new RuleError('bad-txns-vin-empty');
}

export function checkOutputsNotEmpty(tx: Transaction): void {
  if (tx.outputs.length === 0) throw new RuleError('bad-txns-vout-empty');
}

/** A tx whose non-witness bytes alone could not fit in a block can never be mined. */
export function checkTxSize(tx: Transaction, params: NetworkParams): void {
  if (tx.strippedSize() * WITNESS_SCALE_FACTOR > params.maxBlockWeight) {
    throw new RuleError('bad-txns-oversize', `stripped size ${tx.strippedSize()}`);
  }
}

/** Each output and the running total must be a valid amount, so later sums cannot overflow. */
export function checkOutputValues(tx: Transaction, params: NetworkParams): void {
  const { outputs } = tx;
  let total = 0n;
  // Indexed loops without closures here and below: every node runs these for each tx of each block.
  for (let i = 0; i < outputs.length; i++) {
    const { value } = outputs[i];
    if (value < 0n) throw new RuleError('bad-txns-vout-negative', `output ${i}`);
    if (value > params.maxMoney) throw new RuleError('bad-txns-vout-toolarge', `output ${i}`);
    total += value;
    if (!moneyRange(total, params)) throw new RuleError('bad-txns-txouttotal-toolarge', `at output ${i}`);
  }
}

/** Spending one outpoint twice in a tx would create money (CVE-2018-17144 was this check skipped). */
export function checkNoDuplicateInputs(tx: Transaction): void {
  const { inputs } = tx;
  // Most txs have a few inputs: comparing each pair costs less than filling a set (a big block
  // checks thousands of txs on every node it reaches).
  if (inputs.length <= SMALL_INPUT_COUNT) {
    for (let i = 1; i < inputs.length; i++) {
      const key = inputs[i].prevout.key();
      for (let j = 0; j < i; j++) if (inputs[j].prevout.key() === key) throw new RuleError('bad-txns-inputs-duplicate', key);
    }
    return;
  }
  const seen = new Set<string>();
  for (const input of inputs) {
    const key = input.prevout.key();
    if (seen.has(key)) throw new RuleError('bad-txns-inputs-duplicate', key);
    seen.add(key);
  }
}

/** Up to this many inputs, duplicates are found by comparing pairs. */
const SMALL_INPUT_COUNT = 8;

export function checkCoinbaseScriptSize(tx: Transaction): void {
  const size = tx.inputs[0].scriptSig.length;
  if (size < MIN_COINBASE_SCRIPT_SIZE || size > MAX_COINBASE_SCRIPT_SIZE) {
    throw new RuleError('bad-cb-length', `coinbase scriptSig is ${size} bytes`);
  }
}

/** Only a coinbase may reference the null prevout. */
export function checkNoNullPrevouts(tx: Transaction): void {
  const { inputs } = tx;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].prevout.isNull()) throw new RuleError('bad-txns-prevout-null', `input ${i}`);
  }
}
