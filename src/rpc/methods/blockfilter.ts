/** Core's getblockfilter: a block's BIP158 basic filter and BIP157 header, from --blockfilterindex. */
import { hashToHex, toHex } from '../../primitives/bytes.js';
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { type RpcMethod, optional, required } from './types.js';

async function getBlockFilter(p: Params, ctx: RpcContext): Promise<unknown> {
  const hash = p.hash(0, 'blockhash');
  const type = p.string(1, 'basic');
  if (type !== 'basic') throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Unknown filtertype');
  const index = ctx.blockFilterIndex;
  if (!index) throw new RpcError(RpcCode.MISC_ERROR, 'Index is not enabled for filtertype basic');
  const entry = ctx.chain.getEntry(hash);
  if (!entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block not found');
  // As Core's BlockUntilSyncedToCurrentChain: a block the chain has connected gets its filter once the index catches up.
  let record = await index.filter(hash);
  if (!record && !index.info().synced) {
    await index.idle();
    record = await index.filter(hash);
  }
  if (!record) {
    if (ctx.chain.getEntryAtHeight(entry.height) !== entry) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Block was not connected to active chain.');
    throw new RpcError(RpcCode.MISC_ERROR, 'Filter not found. Block filters are still in the process of being indexed.');
  }
  return { filter: toHex(record.filter), header: hashToHex(record.header) };
}

export const blockFilterMethods: RpcMethod[] = [
  { name: 'getblockfilter', group: 'blockchain', args: [required('blockhash'), optional('filtertype')], summary: 'The BIP158 basic filter and BIP157 header of a block (needs --blockfilterindex).', run: getBlockFilter },
];
