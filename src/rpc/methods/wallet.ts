/** Wallet methods: addresses, balances, coins and payments. Keys and encryption are in wallet-admin.ts. */
import { amountJson, parseAmount } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { addressScript } from './address.js';
import { estimateFeeRate } from './mempool.js';
import { attackerShare, withReversal } from './safety.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';

/** Every bigint in a wallet result is an amount: written as coins with 8 decimals. */
export function walletJson(value: unknown): unknown {
  if (typeof value === 'bigint') return amountJson(value);
  if (Array.isArray(value)) return value.map(walletJson);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walletJson(v)]));
  }
  return value;
}

/** sat/vB from fee_rate (sat/vB) or conf_target (estimated), else undefined: the wallet's default. */
export function feeRate(p: Params, ctx: RpcContext, confIndex: number, rateIndex: number): number | undefined {
  if (p.has(rateIndex)) {
    const rate = p.feeRate(rateIndex) ?? 0;
    if (!(rate > 0)) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Invalid fee_rate (must be above 0 sat/vB)');
    return rate;
  }
  if (p.has(confIndex)) return estimateFeeRate(ctx, p.int(confIndex, { min: 1, max: 1008 })) / 1000;
  return undefined;
}

export function sendAmount(value: unknown): bigint {
  const amount = parseAmount(value);
  if (amount <= 0n) throw new RpcError(RpcCode.TYPE_ERROR, 'Invalid amount for send');
  return amount;
}

async function sendToAddress(p: Params, ctx: RpcContext): Promise<string> {
  const address = p.string(0) ?? '';
  addressScript(ctx, address);
  const amount = sendAmount(p.raw(1));
  const subtract = p.bool(4, false);
  const rate = feeRate(p, ctx, 6, 9);
  const replaceable = p.has(5) ? p.bool(5, true) : undefined;
  const sent = await walletCall(ctx, (w) => w.send([{ address, amount }], { subtractFeeFrom: subtract ? [0] : [], feeRate: rate, replaceable }));
  return sent.txid;
}

async function sendMany(p: Params, ctx: RpcContext): Promise<string> {
  const dummy = p.string(0, '');
  if (dummy !== '' && dummy !== '*') throw new RpcError(RpcCode.INVALID_PARAMETER, 'Dummy value must be set to ""');
  const amounts = p.object(1);
  const subtractFrom = p.array(4, []);
  const outputs: { address: string; amount: bigint }[] = [];
  for (const [address, value] of Object.entries(amounts)) {
    addressScript(ctx, address);
    outputs.push({ address, amount: sendAmount(value) });
  }
  if (outputs.length === 0) throw invalidParameter('Transaction must have at least one recipient');
  const subtract = subtractFrom.map((address) => {
    const index = outputs.findIndex((o) => o.address === address);
    if (index < 0) throw invalidParameter(`Invalid parameter 'subtract fee from output', destination ${String(address)} not found in tx outputs`);
    return index;
  });
  const rate = feeRate(p, ctx, 6, 8);
  const replaceable = p.has(5) ? p.bool(5, true) : undefined;
  return (await walletCall(ctx, (w) => w.send(outputs, { subtractFeeFrom: subtract, feeRate: rate, replaceable }))).txid;
}

async function getBalance(p: Params, ctx: RpcContext): Promise<unknown> {
  const dummy = p.string(0);
  if (dummy !== undefined && dummy !== '*') throw new RpcError(-32, 'dummy first argument must be excluded or set to "*".');
  const minconf = p.int(1, { fallback: 0, min: 0 });
  return amountJson(await walletCall(ctx, (w) => w.getBalance(minconf)));
}

async function getBalances(ctx: RpcContext): Promise<unknown> {
  const b = await walletCall(ctx, (w) => w.getBalances());
  const mine = { trusted: amountJson(b.trusted), untrusted_pending: amountJson(b.untrustedPending), immature: amountJson(b.immature), ...(b.used !== undefined ? { used: amountJson(b.used) } : {}) };
  return { mine, lastprocessedblock: b.lastProcessedBlock };
}

async function listUnspent(p: Params, ctx: RpcContext): Promise<unknown> {
  const minconf = p.int(0, { fallback: 1, min: 0 });
  const maxconf = p.int(1, { fallback: 9_999_999, min: 0 });
  const addresses = p.array(2, []).map((a) => {
    if (typeof a !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
    addressScript(ctx, a);
    return a;
  });
  const coins = await walletCall(ctx, (w) => w.listUnspent(minconf, maxconf, addresses.length > 0 ? addresses : undefined));
  return walletJson(coins);
}

async function listTransactions(p: Params, ctx: RpcContext): Promise<unknown> {
  const count = p.int(1, { fallback: 10, min: 0, what: 'Negative count' });
  const skip = p.int(2, { fallback: 0, min: 0, what: 'Negative from' });
  return withReversal(walletJson(await walletCall(ctx, (w) => w.listTransactions(count, skip))), attackerShare(ctx));
}

async function getTransaction(p: Params, ctx: RpcContext): Promise<unknown> {
  const txid = p.hash(0, 'txid');
  return withReversal(walletJson(await walletCall(ctx, (w) => w.getTransaction(txid))), attackerShare(ctx));
}

export const walletMethods: RpcMethod[] = [
  { name: 'getnewaddress', group: 'wallet', args: [optional('label'), optional('address_type')], summary: 'A new receiving address (bech32 P2WPKH).', run: (p, ctx) => walletCall(ctx, (w) => w.getNewAddress(p.string(0, ''))) },
  { name: 'getrawchangeaddress', group: 'wallet', args: [optional('address_type')], summary: 'A new change address.', run: (_p, ctx) => walletCall(ctx, (w) => w.getRawChangeAddress()) },
  { name: 'getbalance', group: 'wallet', args: [optional('dummy'), optional('minconf'), optional('include_watchonly'), optional('avoid_reuse')], summary: 'Spendable balance with at least minconf confirmations.', run: getBalance },
  { name: 'getbalances', group: 'wallet', args: [], summary: 'Trusted, pending and immature balances.', run: (_p, ctx) => getBalances(ctx) },
  { name: 'listunspent', group: 'wallet', args: [optional('minconf'), optional('maxconf'), optional('addresses')], summary: "The wallet's unspent outputs.", run: listUnspent },
  { name: 'sendtoaddress', group: 'wallet', args: [required('address'), required('amount'), optional('comment'), optional('comment_to'), optional('subtractfeefromamount'), optional('replaceable'), optional('conf_target'), optional('estimate_mode'), optional('avoid_reuse'), optional('fee_rate')], summary: 'Pays an amount to an address; answers the txid.', run: sendToAddress },
  { name: 'sendmany', group: 'wallet', args: [required('dummy'), required('amounts'), optional('minconf'), optional('comment'), optional('subtractfeefrom'), optional('replaceable'), optional('conf_target'), optional('estimate_mode'), optional('fee_rate')], summary: 'Pays several addresses in one transaction.', run: sendMany },
  { name: 'listtransactions', group: 'wallet', args: [optional('label'), optional('count'), optional('skip'), optional('include_watchonly')], summary: 'Recent wallet transactions, oldest first.', run: listTransactions },
  { name: 'gettransaction', group: 'wallet', args: [required('txid'), optional('include_watchonly'), optional('verbose')], summary: 'One wallet transaction with its details.', run: getTransaction },
];
