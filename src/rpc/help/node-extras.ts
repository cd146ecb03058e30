/** help entries: Core's node extras (branch nodeextra): network control, block fetch, mempool priorities, packages, block scans. */
import type { HelpTable } from './types.js';

const HASH = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';
const DESC = 'addr(pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke)';

export const nodeExtrasHelp: HelpTable = {
  setnetworkactive: {
    description: 'Disable/enable all p2p network activity. false hangs up every peer, refuses inbound connections and dials nobody; true lets the node connect again (manual peers at once).',
    args: { state: { type: 'boolean', text: 'true to enable networking, false to disable' } },
    result: 'true|false (boolean) the value that was passed',
    examples: [[false], [true]],
  },
  getblockfrompeer: {
    description:
      'Attempt to fetch a block whose header we have but whose body we lack (a side-chain block, or one not downloaded yet) from the given peer, over blocks/1. Unlike Core the call waits for the peer\'s answer, so the block is stored when it returns; a peer that does not deliver it still gets {} as in Core. -1 "Block header missing", "Block already downloaded", "Peer does not exist".',
    args: { blockhash: { type: 'string', text: 'The block hash to try to fetch' }, peer_id: { type: 'numeric', text: 'The peer to fetch it from (see getpeerinfo for peer ids)' } },
    result: '{} (json object) empty',
    examples: [[HASH, 0]],
  },
  scanblocks: {
    description:
      'Return the blocks whose BIP158 basic filters match the output scripts of the scan objects (needs --blockfilterindex; -1 "Index is not enabled for filtertype basic" without it). A filter match may be a false positive unless options.filter_false_positives is true, which checks each matching block\'s outputs and spent outputs. Only one scan runs at a time: "status" tells its progress, "abort" stops it.',
    args: {
      action: { type: 'string', text: '"start" to begin a scan, "abort" to stop the running one, "status" for its progress' },
      scanobjects: { type: 'json array', text: 'Descriptors to look for (start only): "descriptor" or {"desc": "descriptor", "range": n or [begin,end]} (ranged descriptors, default range 1000)' },
      start_height: { type: 'numeric', text: 'Height to start the scan at (default: 0)' },
      stop_height: { type: 'numeric', text: 'Height to stop the scan at, inclusive (default: the tip)' },
      filtertype: { type: 'string', text: 'The type of block filter to use (default: "basic")' },
      options: { type: 'json object', text: '{"filter_false_positives": bool} (default false)' },
    },
    result: 'start: {from_height, to_height, relevant_blocks: [blockhash...], completed}; status: {progress, current_height} or null when no scan runs; abort: true when a scan was stopped.',
    examples: [['start', [DESC], 0], ['status'], ['abort']],
  },
  prioritisetransaction: {
    description:
      'Accepts the transaction into mined blocks at a higher (or lower) priority: the pool and the miner judge it as paying fee_delta sats more (its modified fee): the fee floors, ancestor and descendant sums, eviction, replace-by-fee and block selection all use it; the coinbase still collects the real fee. Deltas add up. A delta for a tx not in the pool waits for it; a delta is forgotten once its tx is mined.',
    args: {
      txid: { type: 'string', text: 'The transaction id' },
      dummy: { type: 'numeric', text: 'API-Compatibility for previous API. Must be zero or null.' },
      fee_delta: { type: 'numeric', text: 'The fee value (in satoshis) to add (or subtract, if negative)' },
    },
    result: 'true (boolean) Returns true',
    examples: [[TXID, 0, 10000]],
  },
  getprioritisedtransactions: {
    result: '{"<txid>": {"fee_delta": n, "in_mempool": bool, "modified_fee": n}, ...}: fee_delta and modified_fee in satoshis; modified_fee only when the tx is in the pool.',
    examples: [[]],
  },
  submitpackage: {
    description:
      'Submit a package of raw transactions to the mempool: one child and all of its unconfirmed parents (parents first, none depending on another), as Core 28. Each tx is first tried alone; those refused only for paying too little are then judged together at the package fee rate (their modified fees over their vsizes), so a child can pay for a parent below the pool\'s floor (CPFP). Txs accepted are relayed like any other. A tx paying above maxfeerate fails the package before anything is submitted.',
    args: {
      package: { type: 'json array', text: 'An array of raw transactions (hex), the child last; 1 to 25 of them' },
      maxfeerate: { type: 'numeric', text: 'Reject transactions whose fee rate is higher than this (coins/kvB; default 0.10; 0 for no limit)' },
      maxburnamount: { type: 'numeric', text: 'Reject transactions with provably unspendable outputs (OP_RETURN, oversized scripts) worth more than this (coins; default 0)' },
    },
    result:
      '{"package_msg": "success" or why the package failed, "tx-results": {"<wtxid>": {"txid", "other-wtxid" (a tx with the same txid and another witness is in the pool), "vsize", "fees": {"base", "effective-feerate" (coins/kvB), "effective-includes" [wtxids]}, "error"}}, "replaced-transactions": [txids]}',
    examples: [[['0200000001...', '0200000001...']]],
  },
};
