/** help entries: wallet and util methods. */
import type { HelpTable } from './types.js';

const ADDRESS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
/** The key 0707…07's address, as in docs/rpc.md's signmessage example. */
export const SIGNER = 'pcrt1q50rtrmj2f8vl9tem8qpfw36ylw5jg9j2km3g6x';
const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';
const minconf = { type: 'numeric', text: 'Only coins with at least this many confirmations (default=0 or 1, as Core)' } as const;
const ignored = { type: 'string', text: 'Ignored, for compatibility with Core' } as const;
const comment = { type: 'string', text: 'A note kept in the wallet, not in the transaction' } as const;
const feeArgs = {
  subtractfeefromamount: { type: 'boolean', text: 'Take the fee out of the amount (default=false)' },
  replaceable: { type: 'boolean', text: 'Signal BIP125 replaceability (default=true)' },
  conf_target: { type: 'numeric', text: 'Confirmation target in blocks for the fee estimate' },
  estimate_mode: { type: 'string', text: 'unset, economical or conservative' },
  avoid_reuse: { type: 'boolean', text: 'Avoid spending from reused addresses (default=true)' },
  fee_rate: { type: 'numeric', text: 'Fee rate in sat/vB (default: estimated, else --fallback-fee)' },
} as const;

export const walletHelp: HelpTable = {
  getnewaddress: { args: { label: { type: 'string', text: 'A label for the address (default="")' }, address_type: { type: 'string', text: 'Only "bech32" (P2WPKH)' } }, result: '"address" (string)', examples: [[], ['savings']] },
  getrawchangeaddress: { args: { address_type: { type: 'string', text: 'Only "bech32"' } }, result: '"address" (string)', examples: [[]] },
  getbalance: {
    args: { dummy: { type: 'string', text: 'Must be "*" if given' }, minconf, include_watchonly: { type: 'boolean', text: 'Ignored (no watch-only keys)' }, avoid_reuse: { type: 'boolean', text: 'Leave out coins on reused addresses' } },
    result: 'amount (numeric) spendable coins.',
    examples: [[], ['*', 6]],
  },
  getbalances: { result: 'An object: mine {trusted, untrusted_pending, immature}.', examples: [[]] },
  listunspent: {
    args: { minconf: { type: 'numeric', text: 'Least confirmations (default=1)' }, maxconf: { type: 'numeric', text: 'Most confirmations (default=9999999)' }, addresses: { type: 'json array', text: 'Only these addresses' } },
    result: 'An array of {txid, vout, address, label, scriptPubKey, amount, confirmations, spendable, solvable, safe}.',
    examples: [[], [6, 9999999, [ADDRESS]]],
  },
  sendtoaddress: {
    args: { address: { type: 'string', text: 'The address to pay' }, amount: { type: 'amount', text: 'Coins to send, e.g. 0.1' }, comment, comment_to: comment, ...feeArgs },
    result: '"hex" (string) the txid.',
    examples: [[ADDRESS, 0.1], [ADDRESS, 0.1, '', '', true]],
  },
  sendmany: {
    args: { dummy: { type: 'string', text: 'Must be ""' }, amounts: { type: 'json object', text: '{"address": amount, ...}' }, minconf: ignored, comment, subtractfeefrom: { type: 'json array', text: 'Addresses that pay the fee out of their amount' }, replaceable: feeArgs.replaceable, conf_target: feeArgs.conf_target, estimate_mode: feeArgs.estimate_mode, fee_rate: feeArgs.fee_rate },
    result: '"hex" (string) the txid.',
    examples: [['', { [ADDRESS]: 0.01 }]],
  },
  listtransactions: {
    args: { label: { type: 'string', text: '"*" for all (default)' }, count: { type: 'numeric', text: 'How many (default=10)' }, skip: { type: 'numeric', text: 'How many to skip (default=0)' }, include_watchonly: ignored },
    result: 'An array of {address, category, amount, label, vout, fee, confirmations, blockhash, blockheight, txid, time, timereceived}.',
    examples: [[], ['*', 20, 100]],
  },
  gettransaction: {
    args: { txid: { type: 'string', text: 'The transaction id' }, include_watchonly: ignored, verbose: { type: 'boolean', text: 'Also decode the transaction (default=false)' } },
    result: 'An object: amount, fee, confirmations, blockhash, blockheight, txid, time, details, hex.',
    examples: [[TXID]],
  },
  getwalletinfo: { result: 'An object: walletname, balance, unconfirmed_balance, immature_balance, txcount, keypoolsize, unlocked_until.', examples: [[]] },
  walletpassphrase: { args: { passphrase: { type: 'string', text: 'The wallet passphrase' }, timeout: { type: 'numeric', text: 'Seconds to stay unlocked' } }, result: 'null', examples: [['my pass phrase', 60]] },
  walletlock: { result: 'null', examples: [[]] },
  encryptwallet: { args: { passphrase: { type: 'string', text: 'At least one character; keep it, there is no recovery without it' } }, result: '"text" (string)', examples: [['my pass phrase']] },
  backupwallet: { args: { destination: { type: 'string', text: 'A file path (or a directory)' } }, result: 'null', examples: [['/tmp/wallet-backup']] },
  getaddressinfo: { args: { address: { type: 'string', text: 'The address' } }, result: 'An object: address, scriptPubKey, ismine, solvable, iswitness, witness_version, witness_program, pubkey, hdkeypath, labels.', examples: [[ADDRESS]] },
  dumpprivkey: { args: { address: { type: 'string', text: "An address of this wallet's" } }, result: '"key" (string) the private key as WIF.', examples: [[ADDRESS]] },
  importprivkey: {
    args: { privkey: { type: 'string', text: 'The private key as WIF' }, label: { type: 'string', text: 'A label (default="")' }, rescan: { type: 'boolean', text: 'Rescan the chain for its coins (default=true)' } },
    result: 'null',
    examples: [['cVpF924EspNh8KjYsfhgY96mmxvT6DgdWiTYMtMjuM74hJaU5psW']],
  },
  rescanblockchain: { args: { start_height: { type: 'numeric', text: 'First height (default=0)' }, stop_height: { type: 'numeric', text: 'Last height (default: the tip)' } }, result: 'An object: start_height, stop_height.', examples: [[], [100, 120]] },
};

export const utilHelp: HelpTable = {
  getindexinfo: {
    args: { index_name: { type: 'string', text: 'Only this index, e.g. "txindex" (default: all)' } },
    result: 'An object by index name: {synced, best_block_height}; {} without --txindex.',
    examples: [[], ['txindex']],
  },
  verifymessage: {
    args: {
      address: { type: 'string', text: 'The address that signed' },
      signature: { type: 'string', text: 'The signature, base64 (as signmessage answers)' },
      message: { type: 'string', text: 'The message that was signed' },
    },
    result: 'true|false (boolean) whether the signature is valid for the address.',
    examples: [[SIGNER, 'KMBuXTl57HF65wp29aOcFxOLthGrHt3e2l8aLgemnNnobn1nkaATsse00DGz7Oa6oCbc9cwd62+wbDxxci4idzY=', 'hello']],
  },
  validateaddress: { args: { address: { type: 'string', text: 'The address' } }, result: 'An object: isvalid, address, scriptPubKey, isscript, iswitness, witness_version, witness_program.', examples: [[ADDRESS]] },
};
