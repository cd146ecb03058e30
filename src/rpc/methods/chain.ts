/** Blockchain methods: tips, blocks, headers, the UTXO set, sync state. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BlockStatus } from '../../store/layout.js';
import { hashToHex, toHex } from '../../primitives/bytes.js';
import { OutPoint } from '../../primitives/outpoint.js';
import { hexToHash } from '../../primitives/bytes.js';
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError } from '../errors.js';
import type { RpcBlockEntry, RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { blockJson, difficulty, headerJson, hex32, medianTime } from '../format/block.js';
import { scriptPubKeyJson } from '../format/script.js';
import { type RpcMethod, optional, required } from './types.js';

/** The mempool marks its own outputs with this height (see mempool/validate.ts). */
const MEMPOOL_HEIGHT = 0x7fffffff;

function entryOrThrow(ctx: RpcContext, hash: string): RpcBlockEntry {
  const entry = ctx.chain.getEntry(hash);
  if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  return entry;
}

/** Bytes of every file in the chain store's directory and its block files' (Core counts its blocks and undo files). */
function sizeOnDisk(dir: string): number {
  let bytes = 0;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      try {
        bytes += entry.isDirectory() ? sizeOnDisk(path) : statSync(path).size;
      } catch {
        // LevelDB removed it between the listing and the stat (a compaction): not on disk any more.
      }
    }
  } catch {
    return 0;
  }
  return bytes;
}

function blockchainInfo(ctx: RpcContext): Record<string, unknown> {
  const tip = ctx.chain.tip;
  return {
    chain: ctx.params.name,
    blocks: tip.height,
    headers: ctx.chain.bestHeader.height,
    bestblockhash: tip.hash,
    difficulty: difficulty(tip.header.bits),
    time: tip.header.time,
    mediantime: medianTime(tip),
    verificationprogress: ctx.chain.verificationProgress(),
    initialblockdownload: ctx.chain.isInitialBlockDownload(),
    chainwork: hex32(tip.chainwork),
    size_on_disk: sizeOnDisk(ctx.chain.store.dir),
    pruned: false,
    warnings: '',
  };
}

async function getBlock(p: Params, ctx: RpcContext): Promise<unknown> {
  const entry = entryOrThrow(ctx, p.hash(0, 'blockhash'));
  // Core accepts a bool here too: true is 1, false is 0.
  const verbosity = typeof p.raw(1) === 'boolean' ? (p.raw(1) ? 1 : 0) : p.int(1, { fallback: 1 });
  const block = await ctx.chain.getBlock(entry.hash);
  if (!block) throw new RpcError(RpcCode.MISC_ERROR, 'Block not available');
  if (verbosity <= 0) return toHex(block.encode());
  return blockJson(ctx.chain, entry, block, verbosity >= 2 ? 2 : 1, ctx.params.bech32Prefix);
}

function getBlockHeader(p: Params, ctx: RpcContext): unknown {
  const entry = entryOrThrow(ctx, p.hash(0, 'blockhash'));
  if (!p.bool(1, true)) return toHex(entry.header.encode());
  return headerJson(ctx.chain, entry);
}

function getBlockHash(p: Params, ctx: RpcContext): string {
  const height = p.int(0);
  const entry = height >= 0 ? ctx.chain.getEntryAtHeight(height) : undefined;
  if (!entry) throw new RpcError(RpcCode.INVALID_PARAMETER, 'Block height out of range');
  return entry.hash;
}

function tipStatus(ctx: RpcContext, entry: RpcBlockEntry): string {
  if (ctx.chain.getEntryAtHeight(entry.height) === entry) return 'active';
  if (entry.isFailed()) return 'invalid';
  if (entry.status & BlockStatus.VALIDATED) return 'valid-fork';
  return entry.status & BlockStatus.HAVE_DATA ? 'valid-headers' : 'headers-only';
}

/** Blocks no other block builds on, and how far each branch is from the main chain. */
async function getChainTips(ctx: RpcContext): Promise<unknown[]> {
  const records = await ctx.chain.store.loadBlockIndex();
  const entries = records.map((r) => ctx.chain.getEntry(hashToHex(r.hash))).filter((e): e is RpcBlockEntry => e !== undefined);
  const parents = new Set(entries.map((e) => e.parent?.hash));
  const tips = entries.filter((e) => !parents.has(e.hash));
  if (!tips.includes(ctx.chain.tip)) tips.push(ctx.chain.tip);
  return tips
    .sort((a, b) => b.height - a.height)
    .map((tip) => {
      let fork: RpcBlockEntry | undefined = tip;
      while (fork && ctx.chain.getEntryAtHeight(fork.height) !== fork) fork = fork.parent;
      return { height: tip.height, hash: tip.hash, branchlen: tip.height - (fork?.height ?? 0), status: tipStatus(ctx, tip) };
    });
}

async function getTxOut(p: Params, ctx: RpcContext): Promise<unknown> {
  const txid = p.hash(0, 'txid');
  const n = p.int(1, { min: 0, max: 0xffffffff, what: 'vout cannot be negative' });
  const includeMempool = p.bool(2, true);
  const outpoint = new OutPoint(hexToHash(txid), n);
  if (includeMempool && ctx.mempool.spentBy(outpoint) !== undefined) return null;
  const coin = (await ctx.chain.getCoin(outpoint)) ?? (includeMempool ? ctx.mempool.getCoin(outpoint) : undefined);
  if (!coin) return null;
  const tip = ctx.chain.tip;
  return {
    bestblock: tip.hash,
    confirmations: coin.height === MEMPOOL_HEIGHT ? 0 : tip.height - coin.height + 1,
    value: amountJson(coin.value),
    scriptPubKey: scriptPubKeyJson(coin.script, ctx.params.bech32Prefix),
    coinbase: coin.coinbase,
  };
}

async function getTxOutSetInfo(ctx: RpcContext): Promise<unknown> {
  const stats = await ctx.chain.utxoStats();
  const best = stats.tip ? ctx.chain.getEntry(hashToHex(stats.tip)) : ctx.chain.tip;
  return {
    height: best?.height ?? ctx.chain.height,
    bestblock: best?.hash ?? ctx.chain.tip.hash,
    txouts: stats.count,
    bogosize: stats.bogoSize,
    hash_serialized_3: hashToHex(stats.hash),
    total_amount: amountJson(stats.totalAmount),
    transactions: stats.transactions,
    disk_size: stats.bytes,
  };
}

/** Sync progress: blocks and headers, rate and ETA, and each peer's part in the block download. */
function syncState(ctx: RpcContext): Record<string, unknown> {
  const chain = ctx.chain;
  return {
    blocks: chain.height,
    headers: chain.bestHeader.height,
    bestheaderhash: chain.bestHeader.hash,
    initialblockdownload: chain.isInitialBlockDownload(),
    verificationprogress: chain.verificationProgress(),
    ...(ctx.network?.syncState() ?? {}),
  };
}

async function verifyChain(p: Params, ctx: RpcContext): Promise<boolean> {
  const level = p.int(0, { fallback: 3, min: 0, max: 4, what: 'checklevel must be from 0 to 4' });
  const depth = p.int(1, { fallback: 6, min: 0 });
  const result = await ctx.chain.verifyChain(depth, Math.min(level, 3) as 0 | 1 | 2 | 3);
  return result.ok;
}

export const chainMethods: RpcMethod[] = [
  { name: 'getblockchaininfo', group: 'blockchain', args: [], summary: 'State of the chain: tip, height, difficulty, chainwork.', run: (_p, ctx) => blockchainInfo(ctx) },
  { name: 'getblockcount', group: 'blockchain', args: [], summary: 'Height of the most-work fully-validated chain.', run: (_p, ctx) => ctx.chain.height },
  { name: 'getbestblockhash', group: 'blockchain', args: [], summary: 'Hash of the tip.', run: (_p, ctx) => ctx.chain.tip.hash },
  { name: 'getblockhash', group: 'blockchain', args: [required('height')], summary: 'Hash of the main-chain block at a height.', run: getBlockHash },
  { name: 'getblock', group: 'blockchain', args: [required('blockhash'), optional('verbosity')], summary: 'A block: hex (0), with txids (1), or with decoded txs (2).', run: getBlock },
  { name: 'getblockheader', group: 'blockchain', args: [required('blockhash'), optional('verbose')], summary: 'A block header: decoded (true) or hex (false).', run: getBlockHeader },
  { name: 'getchaintips', group: 'blockchain', args: [], summary: 'Every known branch tip, with its status.', run: (_p, ctx) => getChainTips(ctx) },
  { name: 'getdifficulty', group: 'blockchain', args: [], summary: 'Proof-of-work difficulty of the tip, as a multiple of the minimum.', run: (_p, ctx) => difficulty(ctx.chain.tip.header.bits) },
  { name: 'gettxout', group: 'blockchain', args: [required('txid'), required('n'), optional('include_mempool')], summary: 'An unspent output, or null.', run: getTxOut },
  { name: 'gettxoutsetinfo', group: 'blockchain', args: [optional('hash_type')], summary: 'Statistics and hash_serialized_3 of the UTXO set.', run: (_p, ctx) => getTxOutSetInfo(ctx) },
  { name: 'getsyncstate', group: 'blockchain', args: [], summary: 'Sync progress: headers, blocks, blocks/s, ETA, blocks in flight per peer.', run: (_p, ctx) => syncState(ctx) },
  { name: 'verifychain', group: 'blockchain', args: [optional('checklevel'), optional('nblocks')], summary: 'Re-checks the top blocks (0 = all); true when they verify.', run: verifyChain },
];

