/** Core's gettxoutproof and verifytxoutproof: BIP37 merkle blocks proving txs are in a block. */
import { fromHex, hashToHex, hexToHash, toHex } from '../../primitives/bytes.js';
import { MerkleBlockError, buildPartialTree, decodeMerkleBlock, encodeMerkleBlock, extractMatches } from '../../primitives/merkle-block.js';
import { OutPoint } from '../../primitives/outpoint.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import { isOnMainChain } from '../format/block.js';
import type { RpcBlockEntry, RpcContext } from '../interfaces.js';
import { type Params, parseHash } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

/**
 * Outputs looked at per txid to find an unspent one (Core's AccessByTxid walks them all); a tx
 * whose first ones are all spent is found through the txindex, or with its block hash.
 */
const OUTPUTS_PROBED = 16;

/** The main-chain block of `txid`, from one of its unspent outputs. */
async function blockFromUtxos(ctx: RpcContext, txid: string): Promise<RpcBlockEntry | undefined> {
  const hash = hexToHash(txid);
  for (let index = 0; index < OUTPUTS_PROBED; index++) {
    const coin = await ctx.chain.getCoin(new OutPoint(hash, index));
    if (coin) return ctx.chain.getEntryAtHeight(coin.height);
  }
  return undefined;
}

async function getTxOutProof(p: Params, ctx: RpcContext): Promise<string> {
  const txids: string[] = [];
  for (const raw of p.array(0)) {
    if (typeof raw !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
    const txid = parseHash(raw, 'txid');
    if (txids.includes(txid)) throw invalidParameter(`Invalid parameter, duplicated txid: ${txid}`);
    txids.push(txid);
  }
  let entry: RpcBlockEntry | undefined;
  if (p.has(1)) {
    entry = ctx.chain.getEntry(p.hash(1, 'blockhash'));
    if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  } else {
    for (const txid of txids) {
      entry = await blockFromUtxos(ctx, txid);
      if (entry) break;
    }
    if (!entry && ctx.txIndex && txids.length > 0) {
      const hash = await ctx.txIndex.blockOf(txids[0]);
      entry = hash ? ctx.chain.getEntry(hash) : undefined;
    }
    if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Transaction not yet in block');
  }
  const block = await ctx.chain.getBlock(entry.hash);
  if (!block) throw new RpcError(RpcCode.MISC_ERROR, 'Block not available');
  const wanted = new Set(txids);
  const ids = block.txs.map((tx) => tx.txidBytes());
  const match = block.txs.map((tx) => wanted.has(tx.txid()));
  if (match.filter(Boolean).length !== wanted.size) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Not all transactions found in specified or retrieved block');
  return toHex(encodeMerkleBlock({ header: block.header, tree: buildPartialTree(ids, match) }));
}

/** The txids a proof commits to; [] when its tree does not hash to the header's merkle root. */
function verifyTxOutProof(p: Params, ctx: RpcContext): string[] {
  const bytes = fromHex(p.hex(0, 'proof'));
  let proof;
  let extracted;
  try {
    proof = decodeMerkleBlock(bytes);
    extracted = extractMatches(proof.tree);
  } catch (err) {
    if (err instanceof MerkleBlockError || err instanceof Error) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, `Proof decode failed: ${err.message}`);
    throw err;
  }
  if (hashToHex(extracted.root) !== hashToHex(proof.header.merkleRoot)) return [];
  const entry = ctx.chain.getEntry(proof.header.hash());
  if (!entry || !isOnMainChain(ctx.chain, entry) || entry.txCount === 0) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found in chain');
  return extracted.matches.map((m) => hashToHex(m.txid));
}

export const txOutProofMethods: RpcMethod[] = [
  { name: 'gettxoutproof', group: 'blockchain', args: [required('txids'), optional('blockhash')], summary: 'A BIP37 merkle block proving the txids are in a block.', run: getTxOutProof },
  { name: 'verifytxoutproof', group: 'blockchain', args: [required('proof')], summary: 'The txids a merkle block proves, if its block is in the main chain.', run: verifyTxOutProof },
];
