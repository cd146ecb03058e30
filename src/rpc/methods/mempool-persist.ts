/** Core's savemempool and importmempool, in Core's mempool.dat format (format/mempool-dat.ts). */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { RpcCode, RpcError, typeError } from '../errors.js';
import { encodeMempoolDat, readMempoolDat } from '../format/mempool-dat.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

function dataDir(ctx: RpcContext): string {
  if (!ctx.dataDir) throw new RpcError(RpcCode.MISC_ERROR, 'Unable to dump mempool to disk');
  return ctx.dataDir;
}

/**
 * Writes <datadir>/<network>/mempool.dat (through a temporary file, as Core) and names it: each
 * tx with its prioritisetransaction delta, and the deltas of txs not in the pool after them.
 */
async function saveMempool(_p: Params, ctx: RpcContext): Promise<unknown> {
  const path = join(dataDir(ctx), 'mempool.dat');
  const deltas = new Map((ctx.mempool.prioritised?.() ?? []).map((row) => [row.txid, row.feeDelta]));
  const entries = [...ctx.mempool.entries()].map((e) => ({ tx: e.tx, time: e.time, feeDelta: deltas.get(e.txid) ?? 0n }));
  for (const entry of entries) deltas.delete(entry.tx.txid());
  await writeFile(`${path}.new`, encodeMempoolDat(entries, undefined, [...deltas]), { mode: 0o600 });
  await rename(`${path}.new`, path);
  return { filename: path };
}

/**
 * Submits each tx of a mempool.dat to the mempool; ones it refuses are skipped, as Core's
 * LoadMempool does. With options.apply_fee_delta_priority the file's fee deltas are added to
 * the node's (before each tx is judged, so a prioritised tx is accepted as it was).
 */
async function importMempool(p: Params, ctx: RpcContext): Promise<unknown> {
  const given = p.string(0) ?? '';
  const options = p.object(1, {});
  const applyDeltas = options.apply_fee_delta_priority ?? false;
  if (typeof applyDeltas !== 'boolean') throw typeError('JSON value of type ' + typeof applyDeltas + ' for field apply_fee_delta_priority is not of expected type bool');
  const path = isAbsolute(given) ? given : join(dataDir(ctx), given);
  let file;
  try {
    file = readMempoolDat(await readFile(path));
  } catch {
    throw new RpcError(RpcCode.MISC_ERROR, 'Unable to import mempool file, see debug.log for details.');
  }
  const prioritise = applyDeltas ? ctx.mempool.prioritise?.bind(ctx.mempool) : undefined;
  for (const entry of file.entries) {
    if (prioritise && entry.feeDelta !== 0n) await prioritise(entry.tx.txid(), entry.feeDelta);
    await ctx.mempool.acceptTransaction(entry.tx).catch(() => undefined);
  }
  if (prioritise) for (const [txid, delta] of file.otherDeltas) await prioritise(txid, delta);
  return {};
}

export const mempoolPersistMethods: RpcMethod[] = [
  { name: 'savemempool', group: 'blockchain', args: [], summary: 'Writes the mempool to <datadir>/<network>/mempool.dat (Core’s format).', run: saveMempool },
  { name: 'importmempool', group: 'blockchain', args: [required('filepath'), optional('options')], summary: 'Submits the transactions of a mempool.dat file to the mempool.', run: importMempool },
];
