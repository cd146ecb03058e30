/** help entries: blockchain and mempool methods. */
import type { HelpTable } from './types.js';

const HASH = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';

export const chainHelp: HelpTable = {
  getblockchaininfo: { result: 'An object: chain, blocks, headers, bestblockhash, difficulty, time, mediantime, verificationprogress, initialblockdownload, chainwork, size_on_disk, pruned, warnings.', examples: [[]] },
  getblockcount: { result: 'n (numeric) the height of the most-work fully-validated chain (genesis is 0).', examples: [[]] },
  getbestblockhash: { result: '"hex" (string) the hash of the tip.', examples: [[]] },
  getblockhash: { args: { height: { type: 'numeric', text: 'The height index' } }, result: '"hex" (string) the block hash.', examples: [[1000]] },
  getblock: {
    description: 'If verbosity is 0, returns the serialized block as hex. If 1, an object with the block and its txids. If 2, an object with every transaction decoded.',
    args: { blockhash: { type: 'string', text: 'The block hash' }, verbosity: { type: 'numeric', text: '0 for hex, 1 for an object with txids, 2 with decoded transactions (default=1)' } },
    result: 'hex (verbosity 0) or an object: hash, confirmations, size, strippedsize, weight, height, version, merkleroot, tx, time, mediantime, nonce, bits, difficulty, chainwork, nTx, previousblockhash, nextblockhash.',
    examples: [[HASH], [HASH, 2]],
  },
  getblockheader: {
    args: { blockhash: { type: 'string', text: 'The block hash' }, verbose: { type: 'boolean', text: 'true for an object, false for the 80-byte header as hex (default=true)' } },
    result: 'An object (hash, confirmations, height, version, merkleroot, time, mediantime, nonce, bits, difficulty, chainwork, nTx, previousblockhash, nextblockhash) or hex.',
    examples: [[HASH], [HASH, false]],
  },
  getchaintips: { result: 'An array of {height, hash, branchlen, status}; status is active, valid-fork, valid-headers, headers-only or invalid.', examples: [[]] },
  getdifficulty: { result: 'n (numeric) the proof-of-work difficulty as a multiple of the minimum difficulty.', examples: [[]] },
  gettxout: {
    args: { txid: { type: 'string', text: 'The transaction id' }, n: { type: 'numeric', text: 'The output index' }, include_mempool: { type: 'boolean', text: 'Whether to include the mempool (default=true)' } },
    result: 'null when spent or unknown, else {bestblock, confirmations, value, scriptPubKey, coinbase}.',
    examples: [[TXID, 0]],
  },
  gettxoutsetinfo: { args: { hash_type: { type: 'string', text: 'hash_serialized_3 or none (default=hash_serialized_3)' } }, result: 'An object: height, bestblock, txouts, bogosize, hash_serialized_3, total_amount, disk_size.', examples: [[], ['none']] },
  getsyncstate: { result: 'An object: headers, blocks, blocks per second, estimated time left, blocks in flight per peer.', examples: [[]] },
  verifychain: {
    args: { checklevel: { type: 'numeric', text: 'How thorough, 0-4 (default=3)' }, nblocks: { type: 'numeric', text: 'How many blocks from the tip; 0 checks all (default=6)' } },
    result: 'true|false (boolean) whether the blocks verified.',
    examples: [[], [4, 100]],
  },
  getblockstats: {
    description: "Per-block statistics as Core's: fees, fee rates (sat/vB) and sizes of the non-coinbase transactions, from the block and its undo data; amounts in satoshis.",
    args: {
      hash_or_height: { type: 'string or numeric', text: 'The block hash or height' },
      stats: { type: 'json array', text: 'Only these fields, e.g. ["txs","totalfee"]; an unknown name is -8 (default: all)' },
    },
    result: 'An object: avgfee, avgfeerate, avgtxsize, blockhash, feerate_percentiles, height, ins, maxfee, maxfeerate, maxtxsize, medianfee, mediantime, mediantxsize, minfee, minfeerate, mintxsize, outs, subsidy, swtotal_size, swtotal_weight, swtxs, time, total_out, total_size, total_weight, totalfee, txs, utxo_increase, utxo_size_inc, utxo_increase_actual, utxo_size_inc_actual.',
    examples: [[102], [102, ['txs', 'totalfee']]],
  },
  getdeploymentinfo: {
    args: { blockhash: { type: 'string', text: 'The soft forks in force for the block after this one (default: the tip)' } },
    result: 'An object: hash, height, deployments {bip34, segwit: {type "buried", active, height}}.',
    examples: [[], [HASH]],
  },
  getmempoolinfo: { result: 'An object: loaded, size, bytes, usage, total_fee, maxmempool, mempoolminfee, minrelaytxfee.', examples: [[]] },
  getrawmempool: {
    args: { verbose: { type: 'boolean', text: 'true for an object of entries by txid, false for an array of txids (default=false)' }, mempool_sequence: { type: 'boolean', text: 'With verbose=false, also answer the mempool sequence number (default=false)' } },
    result: 'An array of txids, or an object of mempool entries by txid.',
    examples: [[], [true]],
  },
  getmempoolentry: { args: { txid: { type: 'string', text: 'The transaction id (must be in the mempool)' } }, result: 'An object: vsize, weight, time, height, fees, depends, spentby, ancestor and descendant counts and sizes.', examples: [[TXID]] },
  estimatesmartfee: {
    args: { conf_target: { type: 'numeric', text: 'Confirmation target in blocks (1 - 1008)' }, estimate_mode: { type: 'string', text: 'unset, economical or conservative (default=conservative)' } },
    result: 'An object: feerate (coins/kvB), errors, blocks.',
    examples: [[6]],
  },
};
