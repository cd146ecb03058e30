/** help entries: output descriptors, labels, locked coins, send and sendall. */
import type { HelpTable } from './types.js';

const ADDRESS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
const WPKH = 'wpkh(0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798)';
const WPKH_SUMMED = `${WPKH}#ucxz0gak`;
const immature = { type: 'boolean', text: 'Count coinbases before they mature (default=false)' } as const;
const ignored = { type: 'boolean', text: 'Ignored, for compatibility with Core' } as const;
const sendArgs = {
  conf_target: { type: 'numeric', text: 'Confirmation target in blocks, for the fee estimate (default: the wallet\'s fee rate)' },
  estimate_mode: { type: 'string', text: 'Ignored: estimates are always conservative' },
  fee_rate: { type: 'amount', text: 'Fee rate in sat/vB (default: the wallet\'s, at least the mempool\'s floor)' },
} as const;

export const descriptorHelp: HelpTable = {
  restorewallet: {
    description: 'Restores a file made by backupwallet as a new wallet of that name and loads it; its transactions come back and the chain is scanned from where the backup was. -36 when a wallet of that name exists, -8 when the file does not.',
    args: {
      wallet_name: { type: 'string', text: 'The name of the restored wallet' },
      backup_file: { type: 'string', text: 'The backupwallet file' },
      load_on_startup: { type: 'boolean', text: 'Ignored: loaded wallets are not remembered across restarts' },
    },
    result: 'An object: name, warnings.',
    examples: [['restored', '/home/me/wallet-backup.dat']],
  },
  getunconfirmedbalance: {
    description: "Deprecated in Core, kept for old clients: what getbalances shows as mine.untrusted_pending (unconfirmed payments from others).",
    result: 'The amount, in coins.',
    examples: [[]],
  },
  scantxoutset: {
    description: 'Searches the whole UTXO set for outputs of descriptors, no wallet needed (ranged ones over range, default 1000). One scan at a time: -8 while another runs. "status" answers {progress} or null, "abort" true when it stopped a scan, false when none ran.',
    args: {
      action: { type: 'string', text: '"start", "status" or "abort"' },
      scanobjects: { type: 'json array', text: 'For start: descriptors, each a string or {desc, range}' },
    },
    result: 'For start: success, txouts (UTXOs scanned), height, bestblock, unspents [{txid, vout, scriptPubKey, desc, amount, coinbase, height, blockhash, confirmations}], total_amount.',
    examples: [['start', [WPKH]], ['status']],
  },
  getdescriptorinfo: {
    description: 'Parses an output descriptor (BIP380-386: pk, pkh, wpkh, sh, wsh, multi, sortedmulti, combo, addr, raw; keys as hex, WIF, or xpub/xprv (tpub/tprv off main) with origins, paths and * ranges). tr() is refused: our chain has no taproot. -5 for a descriptor that does not parse.',
    args: { descriptor: { type: 'string', text: 'The descriptor, with or without its #checksum' } },
    result: 'An object: descriptor (public form with checksum), checksum (of the input), isrange, issolvable, hasprivatekeys.',
    examples: [[WPKH]],
  },
  deriveaddresses: {
    description: 'The addresses of a descriptor (its checksum required). Our chain pays only P2WPKH, so only those outputs have an address; -5 "Descriptor does not have a corresponding address" otherwise. A ranged descriptor needs range.',
    args: { descriptor: { type: 'string', text: 'The descriptor with #checksum' }, range: { type: 'json array', text: 'end or [begin,end] for a ranged descriptor (at most 1,000,000 indexes)' } },
    result: 'An array of addresses.',
    examples: [[WPKH_SUMMED]],
  },
  generatetodescriptor: {
    description: 'Mines blocks at once (regtest), the coinbase paying the one P2WPKH output the descriptor stands for (index 0 of a ranged one).',
    args: { num_blocks: { type: 'numeric', text: 'How many blocks' }, descriptor: { type: 'string', text: 'The descriptor' }, maxtries: { type: 'numeric', text: 'Nonces to try in all (default=1000000)' } },
    result: 'An array of the new block hashes.',
    examples: [[1, WPKH]],
  },
  listdescriptors: {
    description: "The wallet's descriptors as Core's default descriptor wallet lists them, P2WPKH only: wpkh([fingerprint/84h/1h/0h]tpub.../0/*) for receiving (internal false) and .../1/* for change, with range, next and next_index; imported keys as wpkh(key), not active; then the descriptors importdescriptors and createwalletdescriptor added (an active one replaces the seed's for its branch).",
    args: { private: { type: 'boolean', text: 'Show xprv and WIF keys (needs an unlocked wallet; default=false)' } },
    result: 'An object: wallet_name, descriptors [{desc, timestamp, active, internal, range, next, next_index}].',
    examples: [[]],
  },
  setlabel: {
    description: 'Sets the label of one of our addresses (this wallet keeps no address book of others\' addresses: -4 for those). -11 for the label "*".',
    args: { address: { type: 'string', text: 'One of our addresses' }, label: { type: 'string', text: 'The label' } },
    result: 'null',
    examples: [[ADDRESS, 'savings']],
  },
  listlabels: {
    args: { purpose: { type: 'string', text: '"receive" (all our labels) or "send" (none: we keep no send entries); default both' } },
    result: 'An array of labels, sorted ("" is the label of addresses made without one).',
    examples: [[]],
  },
  getaddressesbylabel: {
    description: 'Our addresses with a label. -11 when none has it.',
    args: { label: { type: 'string', text: 'The label' } },
    result: 'An object keyed by address: {purpose: "receive"}.',
    examples: [['']],
  },
  getreceivedbylabel: {
    args: { label: { type: 'string', text: 'The label' }, minconf: { type: 'numeric', text: 'Only txs with at least this many confirmations (default=1)' }, include_immature_coinbase: immature },
    result: 'The amount, in coins.',
    examples: [[''], ['', 0]],
  },
  listreceivedbylabel: {
    args: {
      minconf: { type: 'numeric', text: 'Only txs with at least this many confirmations (default=1)' },
      include_empty: { type: 'boolean', text: 'Include labels that received nothing (default=false)' },
      include_watchonly: ignored,
      include_immature_coinbase: immature,
    },
    result: 'An array: {amount, confirmations, label}.',
    examples: [[], [0, true]],
  },
  lockunspent: {
    description: 'Locks outputs (unlock=false) so coin selection, send, sendall and listunspent leave them alone, or unlocks them; unlock=true without transactions unlocks all. A lock lasts until restart unless persistent. -8 for an unknown, spent, already locked (or not locked) output.',
    args: {
      unlock: { type: 'boolean', text: 'true to unlock, false to lock' },
      transactions: { type: 'json array', text: '[{txid, vout}, ...]' },
      persistent: { type: 'boolean', text: 'Keep the lock across restarts (default=false)' },
    },
    result: 'true',
    examples: [[true]],
  },
  listlockunspent: { result: 'An array of {txid, vout}, the locked outputs.', examples: [[]] },
  send: {
    description: "Pays the outputs, as Core's send with add_to_wallet=true: fee_rate or conf_target as arguments or in options, options.subtract_fee_from_outputs (indexes) and options.replaceable. data outputs, inputs and add_to_wallet=false are refused (-8).",
    args: { outputs: { type: 'json array', text: '[{"address": amount}, ...] or {"address": amount, ...}' }, ...sendArgs, options: { type: 'json object', text: 'fee_rate, conf_target, subtract_fee_from_outputs, replaceable' } },
    result: 'An object: complete (true), txid.',
    examples: [[[{ [ADDRESS]: 0.1 }]], [{ [ADDRESS]: 0.1 }, null, 'unset', 5]],
  },
  sendall: {
    description: "Spends every spendable (confirmed, or our own unconfirmed change) unlocked coin: recipients given with an amount get it, those given as a bare address share the rest less the fee. -6 when the coins cannot pay.",
    args: { recipients: { type: 'json array', text: '["address", {"address": amount}, ...]: at least one bare address' }, ...sendArgs, options: { type: 'json object', text: 'fee_rate, conf_target, replaceable, minconf' } },
    result: 'An object: complete (true), txid.',
    examples: [[[ADDRESS]]],
  },
};
