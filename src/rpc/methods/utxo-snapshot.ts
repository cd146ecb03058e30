/**
 * Core's dumptxoutset (the UTXO set at the tip, in Core's snapshot format: format/utxo-snapshot.ts)
 * and loadtxoutset (assumeutxo: the chain loads such a file, chain/snapshot-load.ts).
 */
import { existsSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { bytesEqual, hashToHex, hexToHash } from '../../primitives/bytes.js';
import type { Coin } from '../../primitives/coin.js';
import type { OutPoint } from '../../primitives/outpoint.js';
import { ByteWriter } from '../../primitives/writer.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import { writeSnapshotHeader, writeTxCoins } from '../format/utxo-snapshot.js';
import type { RpcBlockEntry, RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

const ATTEMPTS = 3;

function chainTxCount(entry: RpcBlockEntry): number {
  let count = 0;
  for (let e: RpcBlockEntry | undefined = entry; e; e = e.parent) count += e.txCount;
  return count;
}

/**
 * Streams the coins to `path`; the tip must not move meanwhile (the iteration and the hash are
 * separate snapshots), so a dump a block interrupted is written again. Answers the coin count,
 * or undefined when the tip moved.
 */
async function writeSnapshot(ctx: RpcContext, iterate: () => AsyncIterable<{ outpoint: OutPoint; coin: Coin }>, path: string, tip: RpcBlockEntry, count: number): Promise<number | undefined> {
  const file = await open(path, 'w', 0o600);
  try {
    // The network's identity in place of Core's p2p message start (libp2p has none): the genesis hash's first 4 bytes.
    const header = new ByteWriter();
    writeSnapshotHeader(header, hexToHash(ctx.params.genesisHash).subarray(0, 4), hexToHash(tip.hash), count);
    await file.write(header.finish());
    let written = 0;
    let group: { txid: Uint8Array; coins: Array<{ index: number; coin: Coin }> } | undefined;
    let buffer = new ByteWriter();
    const flushGroup = async (): Promise<void> => {
      if (!group) return;
      writeTxCoins(buffer, group.txid, group.coins);
      written += group.coins.length;
      if (buffer.length > 1 << 20) {
        await file.write(buffer.finish());
        buffer = new ByteWriter();
      }
    };
    for await (const { outpoint, coin } of iterate()) {
      if (!group || !bytesEqual(group.txid, outpoint.txid)) {
        await flushGroup();
        group = { txid: outpoint.txid, coins: [] };
      }
      group.coins.push({ index: outpoint.index, coin });
    }
    await flushGroup();
    await file.write(buffer.finish());
    if (ctx.chain.tip !== tip || written !== count) return undefined;
    return written;
  } finally {
    await file.close();
  }
}

async function dumpTxOutSet(p: Params, ctx: RpcContext): Promise<unknown> {
  const given = p.string(0) ?? '';
  const type = p.string(1, 'latest');
  if (p.has(2)) p.object(2);
  if (type === 'rollback') throw invalidParameter('rollback is not supported: this node dumps the UTXO set at its tip only');
  if (type !== 'latest' && type !== '') throw invalidParameter(`Invalid snapshot type "${type.length > 50 ? `${type.slice(0, 50)}...` : type}" specified. Please specify "rollback" or "latest"`);
  const iterate = ctx.chain.store.iterateCoins?.bind(ctx.chain.store);
  if (!ctx.dataDir || !iterate) throw new RpcError(RpcCode.MISC_ERROR, 'UTXO set not available for a snapshot');
  const path = isAbsolute(given) ? given : join(ctx.dataDir, given);
  if (existsSync(path)) throw invalidParameter(`${path} already exists. If you are sure this is what you want, move it out of the way first.`);
  const temporary = `${path}.incomplete`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const tip = ctx.chain.tip;
    const stats = await ctx.chain.utxoStats();
    if (!stats.tip || hashToHex(stats.tip) !== tip.hash) continue;
    let written: number | undefined;
    try {
      written = await writeSnapshot(ctx, iterate, temporary, tip, stats.count);
    } catch (err) {
      throw new RpcError(RpcCode.INVALID_PARAMETER, `Couldn't open file ${temporary} for writing: ${(err as Error).message.slice(0, 200)}`);
    }
    if (written === undefined) continue;
    await rename(temporary, path);
    return { coins_written: written, base_hash: tip.hash, base_height: tip.height, path, txoutset_hash: hashToHex(stats.hash), nchaintx: chainTxCount(tip) };
  }
  throw new RpcError(RpcCode.MISC_ERROR, 'The tip moved during each attempt at the snapshot; try again');
}

/** The chain's SnapshotLoadError (by name: rpc does not import chain) as Core's RPC errors. */
function snapshotRpcError(err: unknown, path: string): unknown {
  if (!(err instanceof Error) || err.name !== 'SnapshotLoadError') return err;
  const code = (err as Error & { code?: string }).code;
  if (code === 'open') return invalidParameter(err.message);
  if (code === 'metadata') return new RpcError(RpcCode.DESERIALIZATION_ERROR, `Unable to parse metadata: ${err.message}`);
  return new RpcError(RpcCode.INTERNAL_ERROR, `Unable to load UTXO snapshot: ${err.message}. (${path})`);
}

async function loadTxOutSet(p: Params, ctx: RpcContext): Promise<unknown> {
  const given = p.string(0);
  if (!ctx.dataDir || !ctx.chain.loadSnapshot) throw new RpcError(RpcCode.MISC_ERROR, 'this node cannot load a UTXO snapshot');
  // Relative to the data dir, as Core's (and our dumptxoutset's) paths.
  const path = isAbsolute(given) ? given : join(ctx.dataDir, given);
  try {
    const { coinsLoaded, base } = await ctx.chain.loadSnapshot(path, () => ctx.mempool.size);
    return { coins_loaded: coinsLoaded, tip_hash: base.hash, base_height: base.height, path };
  } catch (err) {
    throw snapshotRpcError(err, path);
  }
}

export const utxoSnapshotMethods: RpcMethod[] = [
  { name: 'dumptxoutset', group: 'blockchain', args: [required('path'), optional('type'), optional('options')], summary: 'Writes the UTXO set at the tip to a file in Core’s snapshot format.', run: dumpTxOutSet },
  { name: 'loadtxoutset', group: 'blockchain', args: [required('path')], summary: 'Loads a UTXO snapshot (assumeutxo) the network vouches for; the node syncs on from its base block.', run: loadTxOutSet },
];
