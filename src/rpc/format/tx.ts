/** Transactions in Core's decoderawtransaction / getrawtransaction shape. */
import type { Transaction } from '../../primitives/transaction.js';
import { toHex } from '../../primitives/bytes.js';
import { amountJson } from '../amounts.js';
import { scriptAsm, scriptPubKeyJson } from './script.js';

function inputJson(tx: Transaction, index: number): Record<string, unknown> {
  const input = tx.inputs[index];
  const witness = input.witness.length > 0 ? { txinwitness: input.witness.map(toHex) } : {};
  if (tx.isCoinbase()) return { coinbase: toHex(input.scriptSig), ...witness, sequence: input.sequence };
  return {
    txid: input.prevout.txidHex(),
    vout: input.prevout.index,
    scriptSig: { asm: scriptAsm(input.scriptSig), hex: toHex(input.scriptSig) },
    ...witness,
    sequence: input.sequence,
  };
}

export function txJson(tx: Transaction, bech32Prefix: string): Record<string, unknown> {
  return {
    txid: tx.txid(),
    hash: tx.wtxid(),
    version: tx.version,
    size: tx.size(),
    vsize: tx.vsize(),
    weight: tx.weight(),
    locktime: tx.locktime,
    vin: tx.inputs.map((_, i) => inputJson(tx, i)),
    vout: tx.outputs.map((output, n) => ({ value: amountJson(output.value), n, scriptPubKey: scriptPubKeyJson(output.script, bech32Prefix) })),
  };
}

export function txHex(tx: Transaction): string {
  return toHex(tx.encode());
}
