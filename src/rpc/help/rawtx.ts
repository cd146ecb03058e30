/** help entries: raw transactions, mining and generating. */
import type { HelpTable } from './types.js';

const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';
const HASH = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
const ADDRESS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

export const rawTxHelp: HelpTable = {
  getrawtransaction: {
    args: {
      txid: { type: 'string', text: 'The transaction id' },
      verbose: { type: 'boolean', text: 'false for hex, true for a decoded object (default=false)' },
      blockhash: { type: 'string', text: 'The block to look in (there is no txindex: confirmed transactions need it)' },
    },
    result: '"hex" (string), or an object: txid, hash, size, vsize, weight, version, locktime, vin, vout, hex, blockhash, confirmations.',
    examples: [[TXID], [TXID, true, HASH]],
  },
  decoderawtransaction: { args: { hexstring: { type: 'string', text: 'The transaction hex string' } }, result: 'An object: txid, hash, size, vsize, weight, version, locktime, vin, vout.', examples: [['0200000001...']] },
  sendrawtransaction: {
    args: { hexstring: { type: 'string', text: 'The hex string of a signed transaction' }, maxfeerate: { type: 'numeric', text: 'Reject above this fee rate in coins/kvB; 0 accepts any (default=0.10)' } },
    result: '"hex" (string) the txid.',
    examples: [['0200000001...']],
  },
  testmempoolaccept: {
    args: { rawtxs: { type: 'json array', text: 'Hex strings of raw transactions' }, maxfeerate: { type: 'numeric', text: 'Reject above this fee rate in coins/kvB (default=0.10)' } },
    result: 'An array of {txid, wtxid, allowed, vsize, fees, reject-reason}.',
    examples: [[['0200000001...']]],
  },
  createrawtransaction: {
    description: 'An unsigned transaction (version 2) spending the given inputs to the given outputs. With no inputs it is ready for fundrawtransaction.',
    args: {
      inputs: { type: 'json array', text: '[{"txid": "hex", "vout": n, "sequence": n}, ...]; sequence is optional' },
      outputs: { type: 'json object', text: '{"address": amount, "data": "hex"}, or an array of such one-key objects' },
      locktime: { type: 'numeric', text: 'Raw locktime; non-0 also makes the inputs locktime-enabled (default=0)' },
      replaceable: { type: 'boolean', text: 'Signal BIP125 replaceability on inputs without a sequence (default=false)' },
    },
    result: '"hex" (string) the unsigned transaction.',
    examples: [[[], { [ADDRESS]: 1.5 }], [[{ txid: TXID, vout: 0 }], [{ [ADDRESS]: 0.4999 }]]],
  },
  fundrawtransaction: {
    description: 'Adds wallet inputs and a change output to a transaction (unsigned). Unknown option keys are -3; no coins that pay is -6 Insufficient funds.',
    args: {
      hexstring: { type: 'string', text: 'The hex of the transaction to fund' },
      options: { type: 'json object', text: 'As Core: fee_rate (sat/vB) or feeRate (coins/kvB) or conf_target, changeAddress, changePosition, subtractFeeFromOutputs, add_inputs, replaceable (default=true), change_type (only "bech32")' },
      iswitness: { type: 'boolean', text: 'Read the hex as segwit (true) or legacy (false) (default: try both)' },
    },
    result: 'An object: hex (the funded transaction), fee (coins), changepos (-1 when no change).',
    examples: [['0200000000...'], ['0200000000...', { fee_rate: 2 }]],
  },
  signrawtransactionwithkey: {
    description: 'Signs the inputs the given keys own, no wallet needed; spent outputs come from prevtxs, the UTXO set or the mempool.',
    args: {
      hexstring: { type: 'string', text: 'The transaction hex' },
      privkeys: { type: 'json array', text: 'WIF private keys (compressed; -5 Invalid private key otherwise)' },
      prevtxs: { type: 'json array', text: 'Spent outputs not in the UTXO set: [{"txid", "vout", "scriptPubKey", "amount"}, ...]' },
      sighashtype: { type: 'string', text: 'DEFAULT, ALL, NONE, SINGLE, or with |ANYONECANPAY (default=DEFAULT, i.e. ALL)' },
    },
    result: 'An object: hex, complete, and errors (for inputs left unsigned or that do not verify).',
    examples: [['0200000001...', ['cVpF924EspNh8KjYsfhgY96mmxvT6DgdWiTYMtMjuM74hJaU5psW']]],
  },
};

export const miningHelp: HelpTable = {
  getmininginfo: { result: 'An object: blocks, difficulty, networkhashps, pooledtx, chain, warnings (and the local miner hash rate).', examples: [[]] },
  getnetworkhashps: {
    args: { nblocks: { type: 'numeric', text: 'Blocks to average over; -1 since the last difficulty change (default=120)' }, height: { type: 'numeric', text: 'Estimate at this height; -1 for the tip (default=-1)' } },
    result: 'x (numeric) hashes per second.',
    examples: [[], [1000]],
  },
  getblocktemplate: {
    args: { template_request: { type: 'json object', text: '{"rules": ["segwit"]} (required by BIP9 clients), optionally "longpollid" or "mode": "proposal"' } },
    result: 'A BIP22/23 template: version, previousblockhash, transactions, coinbasevalue, target, mintime, curtime, bits, height, default_witness_commitment.',
    examples: [[{ rules: ['segwit'] }]],
  },
  submitblock: {
    args: { hexdata: { type: 'string', text: 'The hex-encoded block' }, dummy: { type: 'string', text: 'Ignored, for compatibility' } },
    result: 'null when accepted, else the BIP22 reason (duplicate, inconclusive, rejected reason).',
    examples: [['00000020...']],
  },
};

export const generatingHelp: HelpTable = {
  generatetoaddress: {
    args: { nblocks: { type: 'numeric', text: 'How many blocks to mine at once' }, address: { type: 'string', text: 'The address the coinbases pay' }, maxtries: { type: 'numeric', text: 'Most nonces to try (default=1000000)' } },
    result: 'An array of the new block hashes.',
    examples: [[11, ADDRESS]],
  },
  generateblock: {
    args: { output: { type: 'string', text: 'The address the coinbase pays' }, transactions: { type: 'json array', text: 'Txids (from the mempool) or raw transaction hex, in order' }, submit: { type: 'boolean', text: 'Whether to submit the block (default=true)' } },
    result: 'An object: hash, and hex when submit is false.',
    examples: [[ADDRESS, []]],
  },
};
