/**
 * Core's wallet upkeep calls: keypoolrefill, setwalletflag, abortrescan, importprunedfunds,
 * removeprunedfunds and simulaterawtransaction. Parameters are checked here with Core's codes;
 * the work is in wallet/extras/ (keypool, flags, pruned, simulate) and wallet/rescan-state.ts.
 */
import { fromHex, hashToHex } from '../../primitives/bytes.js';
import { decodeMerkleBlock, extractMatches } from '../../primitives/merkle-block.js';
import type { OutPoint } from '../../primitives/outpoint.js';
import type { Transaction } from '../../primitives/transaction.js';
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError, typeError } from '../errors.js';
import { isOnMainChain } from '../format/block.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { decodeTx } from './rawtx.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';

async function keypoolRefill(p: Params, ctx: RpcContext): Promise<null> {
  const newsize = p.has(0) ? p.int(0) : undefined;
  await walletCall(ctx, (w) => w.keypoolRefill(newsize));
  return null;
}

async function setWalletFlag(p: Params, ctx: RpcContext): Promise<unknown> {
  const flag = p.string(0, '');
  const value = p.bool(1, true);
  return walletCall(ctx, (w) => w.setWalletFlag(flag, value));
}

const notFound = (message: string) => new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, message);

/** Core's importprunedfunds checks, in its order: tx, proof, merkle root, block, tx in proof; then the wallet's (ours?). */
async function importPrunedFunds(p: Params, ctx: RpcContext): Promise<null> {
  const tx = decodeTx(p.string(0, ''), 'TX decode failed. Make sure the tx has at least one input.');
  const proofBytes = fromHex(p.hex(1, 'proof'));
  let proof;
  try {
    proof = decodeMerkleBlock(proofBytes);
  } catch (err) {
    throw new RpcError(RpcCode.DESERIALIZATION_ERROR, `Proof decode failed: ${(err as Error).message}`);
  }
  let extracted;
  try {
    extracted = extractMatches(proof.tree);
  } catch {
    extracted = undefined; // Core's ExtractMatches answers a null root for a malformed tree
  }
  if (!extracted || hashToHex(extracted.root) !== hashToHex(proof.header.merkleRoot)) throw notFound('Something wrong with merkleblock');
  const hash = proof.header.hash();
  const entry = ctx.chain.getEntry(hash);
  if (!entry || !isOnMainChain(ctx.chain, entry)) throw notFound('Block not found in chain');
  const txid = tx.txid();
  const match = extracted.matches.find((m) => hashToHex(m.txid) === txid);
  if (!match) throw notFound("Transaction given doesn't exist in proof");
  const block = { hash: entry.hash, height: entry.height, time: entry.header.time, index: match.index };
  await walletCall(ctx, (w) => w.importPrunedFunds(tx, block));
  return null;
}

async function removePrunedFunds(p: Params, ctx: RpcContext): Promise<null> {
  const txid = p.hash(0, 'txid');
  await walletCall(ctx, (w) => w.removePrunedFunds(txid));
  return null;
}

/** simulaterawtransaction's options: Core's strict object check (only include_watchonly, a bool). */
function checkSimulateOptions(p: Params): void {
  if (!p.has(1)) return;
  const options = p.object(1);
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'include_watchonly') throw typeError(`Unexpected key ${key}`);
    // No watch-only scripts exist here, so the flag changes nothing once it is a bool.
    if (value !== null && typeof value !== 'boolean') throw typeError(`JSON value of type ${value === undefined ? 'null' : Array.isArray(value) ? 'array' : typeof value} for field include_watchonly is not of expected type bool`);
  }
}

async function simulateRawTransaction(p: Params, ctx: RpcContext): Promise<unknown> {
  // Core calls get_array on the argument even when it is omitted; its message, with the type code.
  if (!p.has(0)) throw typeError('JSON value of type null is not of expected type array');
  const txs: Transaction[] = p.array(0).map((hex) => {
    if (typeof hex !== 'string') throw typeError('JSON value is not a string as expected');
    return decodeTx(hex, 'Transaction hex string decoding failure.');
  });
  checkSimulateOptions(p);
  // Core's findCoins: unspent on chain, or an output of a pool tx.
  const coinExists = async (outpoint: OutPoint) => (await ctx.chain.getCoin(outpoint)) !== undefined || ctx.mempool.get(outpoint.txidHex())?.tx.outputs[outpoint.index] !== undefined;
  const change = await walletCall(ctx, (w) => w.simulateTransactions(txs, coinExists));
  return { balance_change: amountJson(change) };
}

export const walletUpkeepMethods: RpcMethod[] = [
  { name: 'keypoolrefill', group: 'wallet', args: [optional('newsize')], summary: 'Derives addresses ahead, up to newsize past the last one handed out.', run: keypoolRefill },
  { name: 'setwalletflag', group: 'wallet', args: [required('flag'), optional('value')], summary: 'Turns the avoid_reuse wallet flag on or off.', run: setWalletFlag },
  { name: 'abortrescan', group: 'wallet', args: [], summary: 'Stops a running rescan (rescanblockchain, importprivkey).', run: async (_p, ctx) => walletCall(ctx, (w) => w.abortRescan()) },
  { name: 'importprunedfunds', group: 'wallet', args: [required('rawtransaction'), required('txoutproof')], summary: 'Adds a tx paying the wallet, proven in a main-chain block by a gettxoutproof proof.', run: importPrunedFunds },
  { name: 'removeprunedfunds', group: 'wallet', args: [required('txid')], summary: 'Deletes a transaction from the wallet.', run: removePrunedFunds },
  { name: 'simulaterawtransaction', group: 'wallet', args: [optional('rawtxs'), optional('options')], summary: "The wallet's balance change if the txs were signed and broadcast, in order.", run: simulateRawTransaction },
];
