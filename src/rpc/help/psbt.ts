/** help entries: PSBTs (BIP174), the rawtransactions ones and the wallet's, and signrawtransactionwithwallet. */
import type { HelpTable } from './types.js';

const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';
const ADDRESS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
const PSBT = 'cHNidP8BAHECAAAAAS6Z...';
const psbt = { type: 'string', text: 'A PSBT, base64' } as const;
const inputs = { type: 'json array', text: '[{"txid": "hex", "vout": n, "sequence": n}, ...]; sequence is optional' } as const;
const outputs = { type: 'json object', text: '{"address": amount, "data": "hex"}, or an array of such one-key objects' } as const;
const locktime = { type: 'numeric', text: 'Raw locktime; non-0 also makes the inputs locktime-enabled (default=0)' } as const;
const sighashtype = { type: 'string', text: 'DEFAULT, ALL, NONE, SINGLE, or with |ANYONECANPAY (default=DEFAULT, i.e. ALL)' } as const;
const bip32derivs = { type: 'boolean', text: 'Include the BIP32 origins of the keys (default=true)' } as const;

export const psbtHelp: HelpTable = {
  createpsbt: {
    description: "createrawtransaction's arguments, answered as a PSBT with nothing filled in yet.",
    args: { inputs, outputs, locktime, replaceable: { type: 'boolean', text: 'Signal BIP125 replaceability on inputs without a sequence (default=false)' } },
    result: '"psbt" (string) base64.',
    examples: [[[{ txid: TXID, vout: 0 }], [{ [ADDRESS]: 0.4999 }]]],
  },
  converttopsbt: {
    args: {
      hexstring: { type: 'string', text: 'The hex of a raw transaction' },
      permitsigdata: { type: 'boolean', text: 'Drop any signatures instead of failing with -22 (default=false)' },
      iswitness: { type: 'boolean', text: 'Read the hex as segwit (true) or legacy (false) (default: try both)' },
    },
    result: '"psbt" (string) base64.',
    examples: [['0200000001...'], ['0200000001...', true]],
  },
  decodepsbt: {
    description: "The unsigned transaction and every input's and output's fields, in Core's shape. A string that is not base64 or not a PSBT is -22 TX decode failed.",
    args: { psbt },
    result: 'An object: tx, global_xpubs, psbt_version, unknown, inputs [{witness_utxo, non_witness_utxo, partial_signatures, bip32_derivs, final_scriptwitness, ...}], outputs [{bip32_derivs, ...}], fee.',
    examples: [[PSBT]],
  },
  analyzepsbt: {
    args: { psbt },
    result: 'An object: inputs [{has_utxo, is_final, next, missing {pubkeys, signatures}}], estimated_vsize, estimated_feerate, fee, next (updater, signer, finalizer or extractor).',
    examples: [[PSBT]],
  },
  combinepsbt: {
    description: "Merges PSBTs of the same transaction (each signer's signatures into one). PSBTs of different transactions are -8.",
    args: { txs: { type: 'json array', text: 'The PSBTs, base64' } },
    result: '"psbt" (string) the combined PSBT, base64.',
    examples: [[[PSBT, PSBT]]],
  },
  finalizepsbt: {
    description: "Builds each signed input's final witness; when every input is final and extract is true, answers the network transaction, else the PSBT.",
    args: { psbt, extract: { type: 'boolean', text: 'Answer the network transaction hex when complete (default=true)' } },
    result: 'An object: psbt (when not extracted), hex (when extracted), complete.',
    examples: [[PSBT], [PSBT, false]],
  },
  utxoupdatepsbt: {
    args: { psbt, descriptors: { type: 'json array', text: 'Must be empty or left out (-8 otherwise): a P2WPKH spend needs only the spent output' } },
    result: '"psbt" (string) the PSBT with witness_utxo filled in from the UTXO set or the mempool, base64.',
    examples: [[PSBT]],
  },
};

export const walletPsbtHelp: HelpTable = {
  signrawtransactionwithwallet: {
    description: "Signs every input whose spent output (from prevtxs, the UTXO set, the mempool or the wallet's own transactions) pays a wallet key. A locked wallet is -13.",
    args: {
      hexstring: { type: 'string', text: 'The transaction hex' },
      prevtxs: { type: 'json array', text: 'Spent outputs not otherwise known: [{"txid", "vout", "scriptPubKey", "amount"}, ...]' },
      sighashtype,
    },
    result: 'An object: hex, complete, and errors (for inputs left unsigned or that do not verify).',
    examples: [['0200000001...']],
  },
  walletcreatefundedpsbt: {
    description: 'createrawtransaction and fundrawtransaction in one, answered as a PSBT whose inputs carry their spent outputs and key origins (unsigned).',
    args: {
      inputs: { ...inputs, text: `${inputs.text}; [] lets the wallet choose` },
      outputs,
      locktime,
      options: { type: 'json object', text: 'As fundrawtransaction (add_inputs defaults to true only when no inputs are given)' },
      bip32derivs,
    },
    result: 'An object: psbt (base64), fee (coins), changepos (-1 when no change).',
    examples: [[[], [{ [ADDRESS]: 0.5 }]], [[], [{ [ADDRESS]: 0.5 }], 0, { fee_rate: 2 }]],
  },
  walletprocesspsbt: {
    description: "Adds what the wallet knows (spent outputs, key origins), signs the inputs it owns and, unless finalize is false, finalises them.",
    args: {
      psbt,
      sign: { type: 'boolean', text: 'Also sign the inputs (default=true)' },
      sighashtype,
      bip32derivs,
      finalize: { type: 'boolean', text: 'Also finalise the inputs it can (default=true)' },
    },
    result: 'An object: psbt (base64), complete, and hex (the network transaction) when complete.',
    examples: [[PSBT], [PSBT, true, 'ALL', true, false]],
  },
};
