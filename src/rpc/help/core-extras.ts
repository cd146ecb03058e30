/** help entries: Core's chain, mempool, network and util extras (branch corechain). */
import type { HelpTable } from './types.js';

const HASH = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';
const PSBT = 'cHNidP8BAFICAAAAAQ...';
const HEADER = '00000020' + '00'.repeat(76);

export const coreExtrasHelp: HelpTable = {
  getchaintxstats: {
    args: { nblocks: { type: 'numeric', text: 'Size of the window in blocks (default: one month of blocks)' }, blockhash: { type: 'string', text: 'The block that ends the window (default: the tip)' } },
    result: 'An object: time, txcount, window_final_block_hash, window_final_block_height, window_block_count, window_interval, window_tx_count, txrate.',
    examples: [[], [10]],
  },
  getchainstates: { result: 'An object: headers, chainstates [{blocks, bestblockhash, bits, target, difficulty, verificationprogress, coins_db_cache_bytes, coins_tip_cache_bytes, snapshot_blockhash (after loadtxoutset), validated}]. After loadtxoutset the one chainstate is the snapshot\'s (validated false): no background chainstate validates the blocks below its base.', examples: [[]] },
  preciousblock: {
    description: 'Treats a block as if it were received before others with the same work; a later call overrides an earlier one. Not kept across restarts.',
    args: { blockhash: { type: 'string', text: 'The hash of the block to mark precious' } },
    result: 'null',
    examples: [[HASH]],
  },
  submitheader: {
    description: 'Decodes the given hex data as a header and stores it when its parent is known and it breaks no rule. -22 when it is no header, -25 with the reason otherwise.',
    args: { hexdata: { type: 'string', text: 'The 80-byte block header as hex' } },
    result: 'null',
    examples: [[HEADER]],
  },
  pruneblockchain: {
    description: 'This node keeps every block: as Core without -prune, it answers -1 "Cannot prune blocks because node is not in prune mode."',
    args: { height: { type: 'numeric', text: 'The block height to prune up to' } },
    result: 'n (numeric) the height of the last block pruned (never: see the description).',
    examples: [[1000]],
  },
  getmempoolancestors: {
    args: { txid: { type: 'string', text: 'The transaction id (must be in the mempool)' }, verbose: { type: 'boolean', text: 'true for an object of entries by txid, false for an array of txids (default=false)' } },
    result: 'An array of txids, or an object of mempool entries by txid.',
    examples: [[TXID], [TXID, true]],
  },
  getmempooldescendants: {
    args: { txid: { type: 'string', text: 'The transaction id (must be in the mempool)' }, verbose: { type: 'boolean', text: 'true for an object of entries by txid, false for an array of txids (default=false)' } },
    result: 'An array of txids, or an object of mempool entries by txid.',
    examples: [[TXID], [TXID, true]],
  },
  gettxspendingprevout: {
    args: { outputs: { type: 'json array', text: 'The outpoints: [{"txid": "hex", "vout": n}, ...]' } },
    result: 'An array of {txid, vout, spendingtxid}; spendingtxid only when a mempool tx spends the outpoint.',
    examples: [[[{ txid: TXID, vout: 0 }]]],
  },
  gettxoutproof: {
    description: 'Without blockhash, the block is found from an unspent output of one of the txs (its first 16 outputs), else through the txindex when it runs.',
    args: { txids: { type: 'json array', text: 'The txids to prove, all in one block' }, blockhash: { type: 'string', text: 'The block holding them (default: looked up)' } },
    result: '"hex" (string) a BIP37 merkle block: header, transaction count, hashes and flag bits.',
    examples: [[[TXID]], [[TXID], HASH]],
  },
  verifytxoutproof: {
    args: { proof: { type: 'string', text: 'The hex from gettxoutproof' } },
    result: 'An array of the txids the proof commits to; [] when its tree does not hash to the header’s merkle root. -5 when the block is not in the main chain.',
    examples: [['00000020...']],
  },
  getblockfilter: {
    description: 'Needs --blockfilterindex (Core: -blockfilterindex=basic); without it -1 "Index is not enabled for filtertype basic". Waits for the index to catch up with the tip, as Core.',
    args: { blockhash: { type: 'string', text: 'The hash of the block' }, filtertype: { type: 'string', text: 'The type name of the filter (default=basic; any other is -5)' } },
    result: 'An object: filter (hex, BIP158 basic filter), header (hex, BIP157 filter header).',
    examples: [[HASH], [HASH, 'basic']],
  },
  savemempool: { result: 'An object: filename (the mempool.dat written, Core’s version-2 format).', examples: [[]] },
  importmempool: {
    description: 'Submits each transaction of a mempool.dat (Core’s format, version 1 or 2) to the mempool; those it refuses are skipped. The options are accepted and not used (no fee deltas or unbroadcast set are kept).',
    args: { filepath: { type: 'string', text: 'The mempool.dat file (relative paths: in the data dir)' }, options: { type: 'json object', text: 'use_current_time, apply_fee_delta_priority, apply_unbroadcast_set' } },
    result: '{} (empty object)',
    examples: [['/path/to/mempool.dat']],
  },
  dumptxoutset: {
    description: 'Writes the UTXO set at the tip in Core’s snapshot format (magic "utxo" 0xff, version 2, network, base block hash, coin count, then coins by txid). The 4 network bytes are the genesis hash’s first 4 (there is no p2p message start). An existing file is -8.',
    args: { path: { type: 'string', text: 'Where to write (relative paths: in the data dir)' }, type: { type: 'string', text: '"latest" (default); "rollback" is not supported (-8)' }, options: { type: 'json object', text: 'Accepted; rollback is not supported' } },
    result: 'An object: coins_written, base_hash, base_height, path, txoutset_hash, nchaintx.',
    examples: [['utxo.dat']],
  },
  loadtxoutset: {
    description: 'Loads a UTXO snapshot (dumptxoutset\'s format) whose base block is in the network\'s assumeutxo table and whose header is known; its coins become the UTXO set and the node syncs on from the base. Refusals: -32603 "Unable to load UTXO snapshot: <reason>. (<path>)", -22 for a header that is no snapshot of this network, -8 for a file that cannot be read. Blocks below the base are not validated in the background (unlike Core).',
    args: { path: { type: 'string', text: 'The snapshot file (relative paths: in the data dir)' } },
    result: 'An object: coins_loaded, tip_hash, base_height, path.',
    examples: [['utxo.dat']],
  },
  getmemoryinfo: {
    args: { mode: { type: 'string', text: '"stats" (default) or "mallocinfo" (not available: -8)' } },
    result: 'An object: locked {used, free, total, locked, chunks_used, chunks_free}, all 0 (no locked-memory pool).',
    examples: [[]],
  },
  getrpcinfo: { result: 'An object: active_commands [{method, duration}], logpath.', examples: [[]] },
  getzmqnotifications: { result: 'An empty array: the node has no ZMQ publisher.', examples: [[]] },
  ping: { result: 'null', examples: [[]] },
  getaddrmaninfo: { result: 'An object by network (ipv4, ipv6, onion, i2p, cjdns, all_networks) of {new, tried, total}.', examples: [[]] },
  decodescript: {
    args: { hexstring: { type: 'string', text: 'The script as hex' } },
    result: 'An object: asm, desc, type, address (for witness programs).',
    examples: [['0014751e76e8199196d454941c45d1b3a323f1433bd6']],
  },
  combinerawtransaction: {
    args: { txs: { type: 'json array', text: 'Hex strings of partially signed copies of one transaction' } },
    result: '"hex" (string) the transaction with the signatures merged.',
    examples: [[['0200000001...', '0200000001...']]],
  },
  joinpsbts: {
    args: { txs: { type: 'json array', text: 'Base64 PSBTs (at least two)' } },
    result: '"psbt" (string) one PSBT with every input and output, shuffled.',
    examples: [[[PSBT, PSBT]]],
  },
  signmessagewithprivkey: {
    args: { privkey: { type: 'string', text: 'The private key (WIF)' }, message: { type: 'string', text: 'The message to sign' } },
    result: '"signature" (string) base64 compact signature.',
    examples: [['cVpF924EspNh8KjYsfhgY96mmxvT6DgdWiTYMtMjuM74hJaU5psW', 'my message']],
  },
};
