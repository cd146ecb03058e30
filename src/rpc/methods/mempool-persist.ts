/** Core's savemempool and importmempool, in Core's mempool.dat format (format/mempool-dat.ts). */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { RpcCode, RpcError } from '../errors.js';
import { decodeMempoolDat, encodeMempoolDat } from '../format/mempool-dat.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

function dataDir(ctx: RpcContext): string {
  if (!ctx.dataDir) throw new RpcError(RpcCode.MISC_ERROR, 'Unable to dump mempool to disk');
  return ctx.dataDir;
}

/** Writes <datadir>/<network>/mempool.dat (through a temporary file, as Core) and names it. */
async function saveMempool(_p: Params, ctx: RpcContext): Promise<unknown> {
  const path = join(dataDir(ctx), 'mempool.dat');
  const entries = [...ctx.mempool.entries()].map((e) => ({ tx: e.tx, time: e.time, feeDelta: 0n }));
  await writeFile(`${path}.new`, encodeMempoolDat(entries), { mode: 0o600 });
  await rename(`${path}.new`, path);
  return { filename: path };
}

/** Submits each tx of a mempool.dat to the mempool; ones it refuses are skipped, as Core's LoadMempool does. */
async function importMempool(p: Params, ctx: RpcContext): Promise<unknown> {
  const given = p.string(0) ?? '';
  if (p.has(1)) p.object(1);
  const path = isAbsolute(given) ? given : join(dataDir(ctx), given);
  let entries;
  try {
    entries = decodeMempoolDat(await readFile(path));
  } catch {
    throw new RpcError(RpcCode.MISC_ERROR, 'Unable to import mempool file, see debug.log for details.');
  }
  for (const entry of entries) await ctx.mempool.acceptTransaction(entry.tx).catch(() => undefined);
  return {};
}

export const mempoolPersistMethods: RpcMethod[] = [
  { name: 'savemempool', group: 'blockchain', args: [], summary: 'Writes the mempool to <datadir>/<network>/mempool.dat (Core’s format).', run: saveMempool },
  { name: 'importmempool', group: 'blockchain', args: [required('filepath'), optional('options')], summary: 'Submits the transactions of a mempool.dat file to the mempool.', run: importMempool },
];
