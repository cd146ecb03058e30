/**
 * Turning a payment request into a signed transaction: check the outputs, select coins, place
 * the change at a random position (so it cannot be told from the payment by position), and
 * sign every input with its key. Submitting and recording is the wallet's job.
 */
import { randomInt } from 'node:crypto';
import { signTransaction } from '../consensus/p2wpkh.js';
import type { NetworkParams } from '../params/types.js';
import { addressToScript } from '../primitives/address.js';
import { Transaction, type TxOutput } from '../primitives/transaction.js';
import type { SelectableCoin } from './candidates.js';
import type { WalletCoin } from './coins.js';
import { WalletError } from './errors.js';
import { P2WPKH_DUST, selectCoins } from './selection.js';

/** BIP125 opt-in (Core's -walletrbf, on by default) or, when not replaceable, just the anti-fee-sniping locktime. */
const SEQUENCE_RBF = 0xfffffffd;
const SEQUENCE_LOCKTIME_ONLY = 0xfffffffe;

export interface PaymentRequest {
  outputs: ReadonlyArray<{ address: string; amount: bigint }>;
  /** sat per 1,000 vbytes. */
  feeRate: bigint;
  /** Indexes into `outputs` whose amounts pay the fee, split evenly (Core's subtractfeefromamount). */
  subtractFeeFromOutputs: readonly number[];
  /** Signal BIP125 replaceability (Core's `replaceable`, default -walletrbf = true). */
  replaceable?: boolean;
}

export interface PaymentContext {
  params: NetworkParams;
  coins: readonly SelectableCoin[];
  /** The mempool's package count limits, so no input extends a chain past them. */
  limits?: { ancestors: number; descendants: number };
  tipHeight: number;
  /** A fresh change script; called only when the tx gets change. */
  changeScript(): Uint8Array;
  /** The private key of a coin; the caller's buffer is zeroed after signing. */
  privateKey(coin: WalletCoin): Uint8Array;
}

export interface BuiltPayment {
  tx: Transaction;
  fee: bigint;
  /** Index of the change output, -1 for none. */
  changeIndex: number;
  inputs: WalletCoin[];
}

export function buildPayment(request: PaymentRequest, context: PaymentContext): BuiltPayment {
  const outputs = checkOutputs(request, context.params);
  const subtract = new Set(request.subtractFeeFromOutputs);
  const selection = selectCoins({
    coins: context.coins,
    outputs: outputs.map((output) => ({ value: output.value, scriptLength: output.script.length })),
    feeRate: request.feeRate,
    subtractFee: subtract.size > 0,
    limits: context.limits,
  });
  const sequence = request.replaceable === false ? SEQUENCE_LOCKTIME_ONLY : SEQUENCE_RBF;
  const paid = deductFee(outputs, request.subtractFeeFromOutputs, selection.deducted);
  let changeIndex = -1;
  if (selection.change > 0n) {
    changeIndex = randomInt(paid.length + 1);
    paid.splice(changeIndex, 0, { value: selection.change, script: context.changeScript() });
  }
  const unsigned = new Transaction({
    version: 2,
    inputs: selection.inputs.map((coin) => ({ prevout: coin.outpoint, scriptSig: new Uint8Array(0), sequence, witness: [] })),
    outputs: paid,
    // Anti-fee-sniping, as Core: the tx is only valid on top of the current tip.
    locktime: context.tipHeight,
  });
  const keys = selection.inputs.map((coin) => context.privateKey(coin));
  try {
    const tx = signTransaction(unsigned, selection.inputs.map((coin, i) => ({ privateKey: keys[i], value: coin.value, publicKey: coin.key.publicKey })));
    return { tx, fee: selection.fee, changeIndex, inputs: selection.inputs };
  } finally {
    for (const key of keys) key.fill(0);
  }
}

function checkOutputs(request: PaymentRequest, params: NetworkParams): TxOutput[] {
  if (request.outputs.length === 0) throw new WalletError('invalid-parameter', 'Transaction must have at least one recipient');
  const seen = new Set<string>();
  let total = 0n;
  const outputs = request.outputs.map(({ address, amount }) => {
    const script = addressToScript(address, params.bech32Prefix); // AddressError for a bad address
    if (seen.has(address.toLowerCase())) throw new WalletError('invalid-parameter', `Invalid parameter, duplicated address: ${address}`);
    seen.add(address.toLowerCase());
    if (amount <= 0n) throw new WalletError('invalid-amount', 'Invalid amount for send');
    if (amount < P2WPKH_DUST) throw new WalletError('wallet-error', 'Transaction amount too small');
    total += amount;
    return { value: amount, script };
  });
  if (total > params.maxMoney) throw new WalletError('invalid-amount', 'Amount out of range');
  for (const index of request.subtractFeeFromOutputs) {
    if (!Number.isInteger(index) || index < 0 || index >= outputs.length) throw new WalletError('invalid-parameter', `Invalid subtractfeefromamount index ${index}`);
  }
  if (new Set(request.subtractFeeFromOutputs).size !== request.subtractFeeFromOutputs.length) {
    throw new WalletError('invalid-parameter', 'Invalid parameter, duplicated subtractfeefromamount index');
  }
  return outputs;
}

/** Splits `fee` over the chosen outputs, the remainder to the first, as Core does. */
function deductFee(outputs: TxOutput[], indexes: readonly number[], fee: bigint): TxOutput[] {
  const paid = outputs.map((output) => ({ ...output }));
  if (indexes.length === 0) return paid;
  const share = fee / BigInt(indexes.length);
  indexes.forEach((index, i) => {
    paid[index].value -= share + (i === 0 ? fee % BigInt(indexes.length) : 0n);
    if (paid[index].value < P2WPKH_DUST) throw new WalletError('wallet-error', 'The transaction amount is too small to pay the fee');
  });
  return paid;
}
