/** Core's prioritisetransaction and getprioritisedtransactions: fee deltas the pool and the miner judge txs by. */
import { RpcCode, RpcError, typeError } from '../errors.js';
import type { RpcContext, RpcMempool } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

function prioritising(ctx: RpcContext): Required<Pick<RpcMempool, 'prioritise' | 'prioritised'>> {
  const { mempool } = ctx;
  if (!mempool.prioritise || !mempool.prioritised) throw new RpcError(RpcCode.MISC_ERROR, 'Mempool disabled or instance not found');
  return { prioritise: mempool.prioritise.bind(mempool), prioritised: mempool.prioritised.bind(mempool) };
}

async function prioritiseTransaction(p: Params, ctx: RpcContext): Promise<boolean> {
  const txid = p.hash(0, 'txid');
  if (p.has(1) && p.number(1) !== 0) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Priority is no longer supported, dummy argument to prioritisetransaction must set to 0.');
  if (!p.has(2)) throw typeError('JSON value of type null is not of expected type number');
  const delta = p.int(2);
  await prioritising(ctx).prioritise(txid, BigInt(delta));
  return true;
}

/** Amounts in sats, as Core's result. */
function getPrioritisedTransactions(_p: Params, ctx: RpcContext): Record<string, unknown> {
  const rows = prioritising(ctx).prioritised();
  return Object.fromEntries(
    rows.map((row) => [
      row.txid,
      { fee_delta: Number(row.feeDelta), in_mempool: row.modifiedFee !== undefined, ...(row.modifiedFee !== undefined ? { modified_fee: Number(row.modifiedFee) } : {}) },
    ]),
  );
}

export const prioritiseMethods: RpcMethod[] = [
  {
    name: 'prioritisetransaction',
    group: 'mining',
    args: [required('txid'), optional('dummy'), required('fee_delta')],
    summary: 'Accepts the transaction into mined blocks at a higher (or lower) priority: its fee counts as fee_delta sats more.',
    run: prioritiseTransaction,
  },
  { name: 'getprioritisedtransactions', group: 'mining', args: [], summary: 'Returns a map of all user-created (see prioritisetransaction) fee deltas by txid, and whether the tx is in the mempool.', run: getPrioritisedTransactions },
];
