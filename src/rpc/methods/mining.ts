/** Mining methods: getblocktemplate (BIP22/23), submitblock, generate*, hash-rate figures. */
import { isRuleError } from '../../consensus/errors.js';
import { Block } from '../../primitives/block.js';
import { fromHex, toHex } from '../../primitives/bytes.js';
import { DecodeError } from '../../primitives/errors.js';
import { Transaction } from '../../primitives/transaction.js';
import type { BlockTemplate } from '../../miner/template.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcBlockEntry, RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { bitsHex, difficulty, hex32 } from '../format/block.js';
import { addressScript } from './address.js';
import { decodeTx } from './rawtx.js';
import { type RpcMethod, optional, required } from './types.js';

/** Any valid P2WPKH script: getblocktemplate's coinbase is the miner's to build, only its value matters. */
const PLACEHOLDER_PAYOUT = Uint8Array.of(0x00, 0x14, ...new Uint8Array(20));
const MAX_SIGOPS = 80_000;

function longPollId(ctx: RpcContext): string {
  return ctx.longPoll?.id() ?? `${ctx.chain.tip.hash}0`;
}

export function templateJson(ctx: RpcContext, template: BlockTemplate): Record<string, unknown> {
  const coinbase = template.block.txs[0];
  const commitment = template.block.witnessCommitmentIndex();
  return {
    capabilities: ['proposal'],
    version: template.block.header.version,
    rules: ['!segwit'],
    vbavailable: {},
    vbrequired: 0,
    previousblockhash: template.previousHash,
    transactions: template.txs.map((selected) => ({
      data: toHex(selected.entry.tx.encode()),
      txid: selected.entry.txid,
      hash: selected.entry.tx.wtxid(),
      depends: selected.depends,
      fee: Number(selected.entry.fee),
      sigops: selected.sigops,
      weight: selected.entry.weight,
    })),
    coinbaseaux: {},
    coinbasevalue: Number(template.coinbaseValue),
    longpollid: longPollId(ctx),
    target: hex32(template.target),
    mintime: template.mintime,
    mutable: ['time', 'transactions', 'prevblock'],
    noncerange: '00000000ffffffff',
    sigoplimit: MAX_SIGOPS,
    sizelimit: ctx.params.maxBlockWeight,
    weightlimit: ctx.params.maxBlockWeight,
    curtime: template.curtime,
    bits: bitsHex(template.bits),
    height: template.height,
    ...(commitment >= 0 ? { default_witness_commitment: toHex(coinbase.outputs[commitment].script) } : {}),
  };
}

async function getBlockTemplate(p: Params, ctx: RpcContext): Promise<unknown> {
  const request = p.object(0, {});
  const mode = request.mode ?? 'template';
  if (mode === 'proposal') return proposeBlock(ctx, request.data);
  if (mode !== 'template') throw invalidParameter('Invalid mode');
  const rules = Array.isArray(request.rules) ? request.rules : [];
  if (!rules.includes('segwit')) throw invalidParameter('getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})');
  // Core: a non-string longpollid waits on the current tip (and pool) as if it had been given.
  if (request.longpollid != null && ctx.longPoll) await ctx.longPoll.wait(typeof request.longpollid === 'string' ? request.longpollid : ctx.longPoll.id());
  return templateJson(ctx, await ctx.producer.template(PLACEHOLDER_PAYOUT));
}

/** BIP23 proposal: what submitblock would say, without being asked to keep the block. */
function proposeBlock(ctx: RpcContext, data: unknown): string | null {
  if (typeof data !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'Missing data String key for proposal');
  const block = decodeBlock(data);
  const known = ctx.chain.getEntry(block.hash());
  if (known) return known.isFailed() ? 'duplicate-invalid' : 'duplicate';
  if (block.header.prevHashHex() !== ctx.chain.tip.hash) return 'inconclusive-not-best-prevblk';
  return 'inconclusive';
}

function decodeBlock(hex: string): Block {
  let block: Block;
  try {
    block = Block.decode(fromHex(hex));
  } catch (err) {
    if (err instanceof DecodeError) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'Block decode failed');
    throw err;
  }
  if (block.txs.length === 0 || !block.txs[0].isCoinbase()) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'Block does not start with a coinbase');
  return block;
}

/**
 * Core's UpdateUncommittedBlockStructures: a block with a witness commitment whose coinbase has
 * no witness gets the 32-byte zero witness nonce. getblocktemplate miners (cpuminer and the like)
 * build the coinbase from the template without it; the block hash does not cover witnesses.
 */
export function fillWitnessNonce(block: Block): Block {
  const coinbase = block.txs[0];
  if (block.witnessCommitmentIndex() < 0 || coinbase.hasWitness()) return block;
  const [first, ...rest] = coinbase.inputs;
  const filled = new Transaction({ version: coinbase.version, locktime: coinbase.locktime, outputs: coinbase.outputs, inputs: [{ ...first, witness: [new Uint8Array(32)] }, ...rest] });
  return new Block(block.header, [filled, ...block.txs.slice(1)]);
}

/** BIP22: null when it became the tip, else the reason (duplicate, inconclusive, or the rule's code). */
async function submitBlock(p: Params, ctx: RpcContext): Promise<string | null> {
  const block = fillWitnessNonce(decodeBlock(p.string(0, '')));
  const known = ctx.chain.getEntry(block.hash());
  if (known?.isFailed()) return 'duplicate-invalid';
  try {
    const { status } = await ctx.chain.processBlock(block);
    await ctx.mempool.idle(); // as Core: once submitblock answers, the pool has let the block's txs go
    if (status === 'duplicate') return 'duplicate';
    return status === 'connected' ? null : 'inconclusive';
  } catch (err) {
    if (isRuleError(err)) return err.code;
    throw err;
  }
}

/** Mines `count` blocks paying `script`; stops early when maxtries runs out, as Core's generateBlocks. */
export async function generate(ctx: RpcContext, count: number, script: Uint8Array, maxTries: number): Promise<string[]> {
  const hashes: string[] = [];
  let triesLeft = maxTries;
  while (hashes.length < count && triesLeft > 0) {
    const template = await ctx.producer.template(script);
    const { block, tries } = await ctx.producer.solve(template, triesLeft);
    triesLeft -= tries;
    if (!block) break;
    hashes.push(await connectOurs(ctx, block));
  }
  return hashes;
}

async function connectOurs(ctx: RpcContext, block: Block): Promise<string> {
  try {
    const { hash, status } = await ctx.chain.processBlock(block);
    await ctx.mempool.idle(); // the next template, and the caller's next call, see the pool without the block's txs
    // As Core: a valid block that lost a race to a peer's block at its height is still accepted (a side chain).
    if (status !== 'connected' && status !== 'side-chain') throw new RpcError(RpcCode.INTERNAL_ERROR, `ProcessNewBlock, block not accepted (${status})`);
    return hash;
  } catch (err) {
    if (isRuleError(err)) throw new RpcError(RpcCode.VERIFY_ERROR, `TestBlockValidity failed: ${err.code}`);
    throw err;
  }
}

async function generateToAddress(p: Params, ctx: RpcContext): Promise<string[]> {
  const count = p.int(0, { min: 0, what: 'nblocks must be non-negative' });
  const script = addressScript(ctx, p.string(1) ?? '');
  const maxTries = p.int(2, { fallback: 1_000_000, min: 1, what: 'maxtries must be at least 1' });
  return generate(ctx, count, script, maxTries);
}

async function generateBlock(p: Params, ctx: RpcContext): Promise<unknown> {
  const script = addressScript(ctx, p.string(0) ?? '');
  const txs = p.array(1).map((item) => {
    if (typeof item !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
    if (/^[0-9a-fA-F]{64}$/.test(item)) {
      const entry = ctx.mempool.get(item.toLowerCase());
      if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, `Transaction ${item} not in mempool.`);
      return entry.tx;
    }
    try {
      return decodeTx(item);
    } catch {
      throw new RpcError(RpcCode.DESERIALIZATION_ERROR, `Transaction decode failed for ${item}. Make sure the tx has at least one input.`);
    }
  });
  const submit = p.bool(2, true);
  const template = await ctx.producer.template(script, txs);
  if (template.txs.length !== txs.length) throw new RpcError(RpcCode.VERIFY_ERROR, 'TestBlockValidity failed: a transaction does not fit or is not final');
  const { block } = await ctx.producer.solve(template, 1_000_000);
  if (!block) throw new RpcError(RpcCode.MISC_ERROR, 'Failed to make block.');
  if (!submit) return { hash: block.hash(), hex: toHex(block.encode()) };
  return { hash: await connectOurs(ctx, block) };
}

/** Core's GetNetworkHashPS: work over the last `lookup` blocks divided by their time span. */
export function networkHashPs(ctx: RpcContext, lookup: number, height: number): number {
  const tip = height >= 0 && height < ctx.chain.height ? ctx.chain.getEntryAtHeight(height)! : ctx.chain.tip;
  if (tip.height === 0) return 0;
  const blocks = lookup <= 0 ? (tip.height % 2016) + 1 : Math.min(lookup, tip.height);
  let first: RpcBlockEntry = tip;
  let minTime = tip.header.time;
  let maxTime = minTime;
  for (let i = 0; i < blocks && first.parent; i++) {
    first = first.parent;
    minTime = Math.min(minTime, first.header.time);
    maxTime = Math.max(maxTime, first.header.time);
  }
  if (minTime === maxTime) return 0;
  return Number(tip.chainwork - first.chainwork) / (maxTime - minTime);
}

function miningInfo(ctx: RpcContext): Record<string, unknown> {
  const stats = ctx.producer.minerStats();
  return {
    blocks: ctx.chain.height,
    difficulty: difficulty(ctx.chain.tip.header.bits),
    networkhashps: networkHashPs(ctx, 120, -1),
    pooledtx: ctx.mempool.size,
    chain: ctx.params.name,
    generate: stats?.running ?? false,
    hashespersec: stats?.hashrate ?? 0,
    blocksfound: stats?.blocksFound ?? 0,
    warnings: '',
  };
}

export const miningMethods: RpcMethod[] = [
  { name: 'getmininginfo', group: 'mining', args: [], summary: 'Height, difficulty, network and local hash rate.', run: (_p, ctx) => miningInfo(ctx) },
  { name: 'getnetworkhashps', group: 'mining', args: [optional('nblocks'), optional('height')], summary: 'Estimated network hashes per second over the last nblocks (default 120).', run: (p, ctx) => networkHashPs(ctx, p.int(0, { fallback: 120 }), p.int(1, { fallback: -1 })) },
  { name: 'getblocktemplate', group: 'mining', args: [optional('template_request')], summary: 'BIP22/23 block template; call with {"rules": ["segwit"]}.', run: getBlockTemplate },
  { name: 'submitblock', group: 'mining', args: [required('hexdata'), optional('dummy')], summary: 'Submits a solved block: null when accepted, else the BIP22 reason.', run: submitBlock },
  { name: 'generatetoaddress', group: 'generating', args: [required('nblocks'), required('address'), optional('maxtries')], summary: 'Mines blocks at once paying to an address; answers their hashes.', run: generateToAddress },
  { name: 'generateblock', group: 'generating', args: [required('output'), required('transactions'), optional('submit')], summary: 'Mines one block with exactly the given txids/raw txs.', run: generateBlock },
];
