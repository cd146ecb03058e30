/** Raw transaction methods: decode, look up, test and send. */
import { isTxRejection } from '../../mempool/policy-codes.js';
import { hashToHex } from '../../primitives/bytes.js';
import { OutPoint } from '../../primitives/outpoint.js';
import { Transaction } from '../../primitives/transaction.js';
import { amountJson, parseAmount } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter, rejectReason, txRejection } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { confirmations } from '../format/block.js';
import { txHex, txJson } from '../format/tx.js';
import { decodeHexTx } from './rawtx-construct.js';
import { type RpcMethod, optional, required } from './types.js';

/** Core's default maxfeerate: 0.10 coins per kvB. */
const DEFAULT_MAX_FEE_RATE = 10_000_000n;

/**
 * Core's DecodeHexTx (segwit form, then legacy form for a tx with no inputs): text that is not
 * hex, or bytes that are no transaction, are -22 with the calling method's message.
 */
export function decodeTx(hex: string, message = 'TX decode failed'): Transaction {
  try {
    return decodeHexTx(hex);
  } catch (err) {
    if (err instanceof RpcError && err.code === RpcCode.DESERIALIZATION_ERROR) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, message);
    throw err;
  }
}

/** sat/kvB cap from a maxfeerate argument (coins/kvB); 0 lifts it. */
function maxFeeRate(p: Params, index: number): bigint {
  return p.has(index) ? parseAmount(p.raw(index)) : DEFAULT_MAX_FEE_RATE;
}

function exceedsMaxFee(fee: bigint, vsize: number, cap: bigint): boolean {
  return cap > 0n && fee * 1000n > cap * BigInt(vsize);
}

async function getRawTransaction(p: Params, ctx: RpcContext): Promise<unknown> {
  const txid = p.hash(0, 'txid');
  const verbose = typeof p.raw(1) === 'number' ? p.int(1) > 0 : p.bool(1, false);
  if (p.has(2)) return fromBlock(ctx, txid, p.hash(2, 'blockhash'), verbose);
  const entry = ctx.mempool.get(txid);
  if (!entry) {
    const blockhash = await ctx.txIndex?.blockOf(txid);
    if (blockhash) return fromBlock(ctx, txid, blockhash, verbose);
    throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, notFoundMessage(ctx, txid));
  }
  return verbose ? { ...txJson(entry.tx, ctx.params.bech32Prefix), hex: txHex(entry.tx) } : txHex(entry.tx);
}

/** Core's getrawtransaction messages: without a txindex, while it is building, and when it has no such tx. */
function notFoundMessage(ctx: RpcContext, txid: string): string {
  const genesis = ctx.chain.getEntryAtHeight(0);
  // Genesis holds one transaction, so its merkle root is the coinbase's txid.
  if (genesis && txid === hashToHex(genesis.header.merkleRoot)) return 'The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved';
  if (!ctx.txIndex) return 'No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.';
  if (!ctx.txIndex.info().synced) return 'No such mempool or blockchain transaction. Blockchain transactions are still in the process of being indexed.';
  return 'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.';
}

async function fromBlock(ctx: RpcContext, txid: string, blockhash: string, verbose: boolean): Promise<unknown> {
  const entry = ctx.chain.getEntry(blockhash);
  const block = entry ? await ctx.chain.getBlock(blockhash) : undefined;
  if (!entry || !block) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block hash not found');
  const tx = block.txs.find((t) => t.txid() === txid);
  if (!tx) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'No such transaction found in the provided block. Use gettransaction for wallet transactions.');
  if (!verbose) return txHex(tx);
  const depth = confirmations(ctx.chain, entry);
  return {
    in_active_chain: depth > 0,
    ...txJson(tx, ctx.params.bech32Prefix),
    hex: txHex(tx),
    blockhash,
    confirmations: Math.max(0, depth),
    time: entry.header.time,
    blocktime: entry.header.time,
  };
}

async function sendRawTransaction(p: Params, ctx: RpcContext): Promise<string> {
  const tx = decodeTx(p.string(0, ''), 'TX decode failed. Make sure the tx has at least one input.');
  const cap = maxFeeRate(p, 1);
  const txid = tx.txid();
  if (ctx.mempool.get(txid)) return txid; // Core re-announces and answers the txid
  for (let i = 0; i < tx.outputs.length; i++) {
    if (await ctx.chain.getCoin(new OutPoint(tx.txidBytes(), i))) throw new RpcError(RpcCode.VERIFY_ALREADY_IN_CHAIN, 'Transaction outputs already in utxo set');
  }
  // Tested first: an RPC caller wants "missing inputs" back, not the tx parked as an orphan.
  const test = await ctx.mempool.testAccept(tx);
  if (!test.allowed) {
    if (test.rejectReason === 'missing-inputs') throw new RpcError(RpcCode.VERIFY_ERROR, 'bad-txns-inputs-missingorspent');
    if (test.error && isTxRejection(test.error)) throw txRejection(test.error);
    throw new RpcError(RpcCode.VERIFY_REJECTED, test.rejectReason ?? 'rejected');
  }
  if (test.fee !== undefined && exceedsMaxFee(test.fee, tx.vsize(), cap)) {
    throw new RpcError(RpcCode.VERIFY_ERROR, 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)');
  }
  try {
    await ctx.mempool.acceptTransaction(tx);
  } catch (err) {
    if (isTxRejection(err)) throw txRejection(err);
    throw err;
  }
  return txid;
}

async function testMempoolAccept(p: Params, ctx: RpcContext): Promise<unknown[]> {
  const raw = p.array(0);
  if (raw.length < 1 || raw.length > 25) throw invalidParameter('Array must contain between 1 and 25 transactions.');
  const cap = maxFeeRate(p, 1);
  const txs = raw.map((hex) => {
    if (typeof hex !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
    return decodeTx(hex);
  });
  if (txs.length > 1) return testPackage(ctx, txs, cap);
  const rows: unknown[] = [];
  for (const tx of txs) {
    const result = await ctx.mempool.testAccept(tx);
    const ids = { txid: result.txid, wtxid: result.wtxid };
    if (!result.allowed) {
      const reason = result.error && isTxRejection(result.error) ? rejectReason(result.error) : (result.rejectReason ?? 'rejected');
      rows.push({ ...ids, allowed: false, 'reject-reason': reason });
    } else if (result.fee !== undefined && exceedsMaxFee(result.fee, result.vsize ?? tx.vsize(), cap)) {
      rows.push({ ...ids, allowed: false, 'reject-reason': 'max-fee-exceeded' });
    } else {
      rows.push({ ...ids, allowed: true, vsize: result.vsize, fees: { base: amountJson(result.fee ?? 0n) } });
    }
  }
  return rows;
}

/** Core 25+'s package form: per-tx rows, `package-error` when the package is refused as a whole. */
async function testPackage(ctx: RpcContext, txs: Transaction[], cap: bigint): Promise<unknown[]> {
  const outcome = await ctx.mempool.testAcceptPackage(txs);
  let stopped = false;
  return outcome.results.map((result) => {
    const row: Record<string, unknown> = { txid: result.txid, wtxid: result.wtxid };
    if (outcome.packageError) row['package-error'] = outcome.packageError;
    if (stopped || result.allowed === undefined) return row;
    if (!result.allowed) {
      row.allowed = false;
      row['reject-reason'] = result.error && isTxRejection(result.error) ? rejectReason(result.error) : (result.rejectReason ?? 'rejected');
      return row;
    }
    const fee = result.fee ?? 0n;
    const vsize = result.vsize ?? 0;
    if (exceedsMaxFee(fee, vsize, cap)) {
      stopped = true; // Core stops reporting at the first tx over the cap
      return { ...row, allowed: false, 'reject-reason': 'max-fee-exceeded' };
    }
    const fees = { base: amountJson(fee), 'effective-feerate': amountJson((fee * 1000n) / BigInt(Math.max(1, vsize))), 'effective-includes': [result.wtxid] };
    return { ...row, allowed: true, vsize, fees };
  });
}

export const rawTxMethods: RpcMethod[] = [
  { name: 'getrawtransaction', group: 'rawtransactions', args: [required('txid'), optional('verbose'), optional('blockhash')], summary: 'A mempool tx, one in the given block, or (with --txindex) any confirmed one.', run: getRawTransaction },
  { name: 'decoderawtransaction', group: 'rawtransactions', args: [required('hexstring')], summary: 'Decodes a serialized transaction.', run: (p, ctx) => txJson(decodeTx(p.string(0, '')), ctx.params.bech32Prefix) },
  { name: 'sendrawtransaction', group: 'rawtransactions', args: [required('hexstring'), optional('maxfeerate')], summary: 'Submits a signed transaction to the mempool; answers its txid.', run: sendRawTransaction },
  { name: 'testmempoolaccept', group: 'rawtransactions', args: [required('rawtxs'), optional('maxfeerate')], summary: 'Would the mempool accept this transaction, or this package (parents first)?', run: testMempoolAccept },
];
