/**
 * Core's newer send calls: `send` (outputs as an array or object, fee_rate and options) and
 * `sendall` (every spendable coin to the recipients, the fee taken from the one without an
 * amount). Both answer { complete, txid }, broadcasting as Core's add_to_wallet=true does.
 */

import { RpcCode, RpcError, invalidParameter, typeError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import { Params } from '../params.js';
import { addressScript } from './address.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';
import { feeRate, sendAmount } from './wallet.js';

type Options = Record<string, unknown>;

/** [{address: amount}, ...] or {address: amount, ...}; `data` outputs are not paid by our wallet. */
function outputEntries(value: unknown): Array<[string, unknown]> {
  const objects = Array.isArray(value) ? value : [value];
  const entries: Array<[string, unknown]> = [];
  for (const item of objects) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw typeError('JSON value is not an object as expected');
    entries.push(...Object.entries(item as Options));
  }
  if (entries.some(([key]) => key === 'data')) throw invalidParameter('data outputs are not supported by this wallet (send them with createrawtransaction)');
  const seen = new Set<string>();
  for (const [address] of entries) {
    if (seen.has(address)) throw invalidParameter(`Invalid parameter, duplicated address: ${address}`);
    seen.add(address);
  }
  return entries;
}

function sendOptions(p: Params, index: number): Options {
  if (!p.has(index)) return {};
  return p.object(index);
}

/** sat/vB from the positional fee_rate/conf_target, or the same names in options (not both). */
function rateOf(p: Params, ctx: RpcContext, options: Options): number | undefined {
  const positional = feeRate(p, ctx, 1, 3);
  if (options.fee_rate === undefined && options.conf_target === undefined) return positional;
  if (positional !== undefined) throw invalidParameter('Pass conf_target/fee_rate either as arguments or in the options object, not both');
  return feeRate(new Params([options.conf_target, undefined, undefined, options.fee_rate]), ctx, 0, 3);
}

function checkUnsupported(options: Options): void {
  if (options.add_to_wallet === false) throw invalidParameter('add_to_wallet=false is not supported: use walletcreatefundedpsbt for a tx that is not sent');
  if (options.inputs !== undefined && !(Array.isArray(options.inputs) && options.inputs.length === 0)) throw invalidParameter('inputs are not supported: lock the coins you do not want spent (lockunspent)');
}

async function send(p: Params, ctx: RpcContext): Promise<unknown> {
  const entries = outputEntries(p.raw(0));
  const outputs = entries.map(([address, amount]) => {
    addressScript(ctx, address);
    return { address, amount: sendAmount(amount) };
  });
  if (outputs.length === 0) throw invalidParameter('Transaction must have at least one recipient');
  const options = sendOptions(p, 4);
  checkUnsupported(options);
  const subtract = Array.isArray(options.subtract_fee_from_outputs) ? options.subtract_fee_from_outputs : [];
  for (const index of subtract) if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= outputs.length) throw invalidParameter(`Invalid parameter 'subtract fee from output', index ${String(index)} out of bounds`);
  const replaceable = typeof options.replaceable === 'boolean' ? options.replaceable : undefined;
  const rate = rateOf(p, ctx, options);
  const sent = await walletCall(ctx, (w) => w.send(outputs, { subtractFeeFrom: subtract as number[], feeRate: rate, replaceable }));
  return { complete: true, txid: sent.txid };
}

async function sendAll(p: Params, ctx: RpcContext): Promise<unknown> {
  const recipients = p.array(0);
  if (recipients.length === 0) throw invalidParameter('Must provide at least one recipient.');
  const options = sendOptions(p, 4);
  checkUnsupported(options);
  const fixed: Array<{ address: string; amount: bigint }> = [];
  const rest: string[] = [];
  for (const item of recipients) {
    if (typeof item === 'string') {
      addressScript(ctx, item);
      rest.push(item);
    } else {
      for (const [address, amount] of outputEntries(item)) {
        addressScript(ctx, address);
        fixed.push({ address, amount: sendAmount(amount) });
      }
    }
  }
  if (rest.length === 0) throw invalidParameter('Must provide at least one address without a specified amount');
  if (new Set([...rest, ...fixed.map((o) => o.address)]).size !== rest.length + fixed.length) throw invalidParameter('Invalid parameter, duplicated address');
  const rate = rateOf(p, ctx, options);
  const replaceable = typeof options.replaceable === 'boolean' ? options.replaceable : undefined;
  const minconf = typeof options.minconf === 'number' ? options.minconf : 0;
  const sent = await walletCall(ctx, async (w) => {
    // Core's sendall spends confirmed coins and our own unconfirmed change ("safe" ones); locked ones stay.
    const coins = (await w.listUnspent(minconf, 9_999_999)).filter((coin) => coin.safe === true);
    const total = coins.reduce((sum, coin) => sum + (coin.amount as bigint), 0n);
    const fixedTotal = fixed.reduce((sum, o) => sum + o.amount, 0n);
    // The remainder is shared among the addresses without an amount; the last takes the odd satoshis.
    const share = (total - fixedTotal) / BigInt(rest.length);
    if (coins.length === 0 || share <= 0n) throw new RpcError(RpcCode.WALLET_INSUFFICIENT_FUNDS, 'Total value of UTXO pool too low to pay for transaction');
    const restOutputs = rest.map((address, i) => ({ address, amount: i === rest.length - 1 ? total - fixedTotal - share * BigInt(rest.length - 1) : share }));
    const outputs = [...fixed, ...restOutputs];
    const subtract = restOutputs.map((_, i) => fixed.length + i);
    return w.send(outputs, { subtractFeeFrom: subtract, feeRate: rate, replaceable });
  });
  return { complete: true, txid: sent.txid };
}


export const walletSendMethods: RpcMethod[] = [
  { name: 'send', group: 'wallet', args: [required('outputs'), optional('conf_target'), optional('estimate_mode'), optional('fee_rate'), optional('options')], summary: 'Pays the outputs (Core\'s newer sendmany): answers complete and txid.', run: send },
  { name: 'sendall', group: 'wallet', args: [required('recipients'), optional('conf_target'), optional('estimate_mode'), optional('fee_rate'), optional('options')], summary: 'Spends every spendable coin to the recipients, the fee taken from those without an amount.', run: sendAll },
];
