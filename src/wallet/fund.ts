/**
 * Core's fundrawtransaction: complete a transaction the caller built (outputs, maybe some inputs)
 * with our coins and a change output, unsigned. Selection is selection.ts's: `selectCoins` when
 * the caller chose no inputs; with preset inputs, those are kept first and our coins are added,
 * confirmed before trusted unconfirmed and largest first, until `settle` says they pay.
 */
import { randomInt } from 'node:crypto';
import { Transaction, type TxInput, type TxOutput } from '../primitives/transaction.js';
import type { WalletCoin } from './coins.js';
import { WalletError } from './errors.js';
import { P2WPKH_DUST, type Selection, type SelectionRequest, selectCoins, settle } from './selection.js';

/** BIP125 opt-in, Core's default (-walletrbf) for wallet transactions. */
export const SEQUENCE_REPLACEABLE = 0xfffffffd;
export const SEQUENCE_FINAL_LOCKTIME = 0xfffffffe;

export interface FundRequest {
  tx: Transaction;
  /** sat per 1,000 vbytes. */
  feeRate: bigint;
  /** Output indexes that pay the fee, split evenly, remainder to the first (Core's subtractFeeFromOutputs). */
  subtractFeeFromOutputs: readonly number[];
  /** Where change goes; random when absent. */
  changePosition?: number;
  /** A caller's change script (changeAddress); a fresh wallet key when absent. */
  changeScript?: Uint8Array;
  /** May coins beyond the preset inputs be added (Core's add_inputs)? */
  addInputs: boolean;
  replaceable: boolean;
}

export interface FundContext {
  /** Spendable wallet coins. */
  coins: readonly WalletCoin[];
  /** A fresh change script; called only when the tx gets change. */
  changeScript(): Uint8Array;
}

export interface FundedTransaction {
  tx: Transaction;
  fee: bigint;
  /** -1 when there is no change output. */
  changePosition: number;
  /** Every input's wallet coin, in the tx's order. */
  inputs: WalletCoin[];
}

export function fundTransaction(request: FundRequest, context: FundContext): FundedTransaction {
  const { tx } = request;
  checkRequest(request);
  const byOutpoint = new Map(context.coins.map((coin) => [coin.outpoint.key(), coin]));
  const preset = tx.inputs.map((input) => {
    const coin = byOutpoint.get(input.prevout.key());
    if (!coin) throw new WalletError('wallet-error', `Unable to find UTXO for external input ${input.prevout.key()}`);
    return coin;
  });
  const selectionRequest: SelectionRequest<WalletCoin> = {
    coins: context.coins.filter((coin) => !preset.includes(coin)),
    outputs: tx.outputs.map((output) => ({ value: output.value, scriptLength: output.script.length })),
    feeRate: request.feeRate,
    subtractFee: request.subtractFeeFromOutputs.length > 0,
  };
  const selection = preset.length === 0 ? selectCoins(selectionRequest) : extendPreset(preset, selectionRequest, request.addInputs);
  const outputs = deductFee(tx.outputs, request.subtractFeeFromOutputs, selection.deducted);
  let changePosition = -1;
  if (selection.change > 0n) {
    changePosition = request.changePosition ?? randomInt(outputs.length + 1);
    outputs.splice(changePosition, 0, { value: selection.change, script: request.changeScript ?? context.changeScript() });
  }
  const sequence = request.replaceable ? SEQUENCE_REPLACEABLE : SEQUENCE_FINAL_LOCKTIME;
  const added = selection.inputs.filter((coin) => !preset.includes(coin));
  const inputs: TxInput[] = [...tx.inputs, ...added.map((coin) => ({ prevout: coin.outpoint, scriptSig: new Uint8Array(0), sequence, witness: [] }))];
  const funded = new Transaction({ version: tx.version, inputs, outputs, locktime: tx.locktime });
  return { tx: funded, fee: selection.fee, changePosition, inputs: [...preset, ...added] };
}

function checkRequest(request: FundRequest): void {
  const count = request.tx.outputs.length;
  if (count === 0) throw new WalletError('invalid-parameter', 'TX must have at least one output');
  if (request.changePosition !== undefined && (!Number.isInteger(request.changePosition) || request.changePosition < 0 || request.changePosition > count)) {
    throw new WalletError('invalid-parameter', 'changePosition out of bounds');
  }
  for (const index of request.subtractFeeFromOutputs) {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new WalletError('invalid-parameter', `Invalid parameter, value ${index} out of bounds`);
  }
  if (new Set(request.subtractFeeFromOutputs).size !== request.subtractFeeFromOutputs.length) throw new WalletError('invalid-parameter', 'Invalid parameter, duplicated position');
}

/** The preset coins, then ours (confirmed first, largest first) until they pay. */
function extendPreset(preset: WalletCoin[], request: SelectionRequest<WalletCoin>, addInputs: boolean): Selection<WalletCoin> {
  const alone = settle([...preset], request);
  if (alone) return alone;
  if (addInputs) {
    const ordered = [...request.coins]
      .filter((coin) => coin.depth >= 1 || coin.trusted)
      .sort((a, b) => Number(b.depth >= 1) - Number(a.depth >= 1) || (a.value < b.value ? 1 : a.value > b.value ? -1 : 0));
    const picked = [...preset];
    for (const coin of ordered) {
      picked.push(coin);
      const settled = settle(picked, request);
      if (settled) return settled;
    }
  }
  throw new WalletError('insufficient-funds', 'Insufficient funds');
}

function deductFee(outputs: readonly TxOutput[], indexes: readonly number[], fee: bigint): TxOutput[] {
  const paid = outputs.map((output) => ({ ...output }));
  if (indexes.length === 0 || fee === 0n) return paid;
  const share = fee / BigInt(indexes.length);
  indexes.forEach((index, i) => {
    paid[index].value -= share + (i === 0 ? fee % BigInt(indexes.length) : 0n);
    if (paid[index].value < P2WPKH_DUST) throw new WalletError('wallet-error', 'The transaction amount is too small to pay the fee');
  });
  return paid;
}
