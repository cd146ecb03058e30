/** help entries: wallet management (several wallets, the seed), fee bumping, received payments and messages. */
import type { HelpTable } from './types.js';
import { SIGNER } from './wallet.js';

const ADDRESS = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';
const HASH = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
const ignored = { type: 'boolean', text: 'Ignored, for compatibility with Core' } as const;
const loadOnStartup = { type: 'boolean', text: 'Ignored: loaded wallets are not remembered across restarts' } as const;
const immature = { type: 'boolean', text: 'Count coinbases before they mature (default=false)' } as const;
const bumpOptions = {
  txid: { type: 'string', text: 'The txid of an unconfirmed send of this wallet' },
  options: { type: 'json object', text: 'fee_rate (sat/vB) or conf_target, and replaceable (default=true); without a rate, the old one plus the incremental relay fee' },
} as const;

export const walletManageHelp: HelpTable = {
  createwallet: {
    description: 'Creates and loads a wallet in <datadir>/<network>/wallets/<name>: a new 24-word seed, answered once in mnemonic (write it down), or one restored from the mnemonic argument (the chain is then scanned from genesis). -36 when it exists, -8 for a bad name or mnemonic.',
    args: {
      wallet_name: { type: 'string', text: 'The name of the new wallet' },
      disable_private_keys: { type: 'boolean', text: 'Must be false: wallets without private keys are not supported (default=false)' },
      blank: { type: 'boolean', text: 'Must be false: every wallet has a BIP39 seed (default=false)' },
      passphrase: { type: 'string', text: 'Encrypt the wallet with this passphrase at once (default: not encrypted)' },
      avoid_reuse: ignored,
      descriptors: ignored,
      load_on_startup: loadOnStartup,
      external_signer: ignored,
      mnemonic: { type: 'string', text: 'Restore from these 24 BIP39 words instead of making a new seed (powcoin only)' },
    },
    result: 'An object: name, warnings, and mnemonic (the new seed\'s words, only when not restored).',
    examples: [['savings'], ['savings', false, false, 'my pass phrase']],
  },
  loadwallet: {
    description: 'Loads a wallet from the wallet folder. -18 when there is none of that name, -35 when it is loaded.',
    args: { filename: { type: 'string', text: 'The wallet name (a folder in the wallet folder)' }, load_on_startup: loadOnStartup },
    result: 'An object: name, warnings.',
    examples: [['savings']],
  },
  unloadwallet: {
    description: "Unloads the wallet named, or the endpoint's (/wallet/<name>, --rpcwallet). -18 when it is not loaded.",
    args: { wallet_name: { type: 'string', text: "The wallet to unload (default: the endpoint's, or the only one loaded)" }, load_on_startup: loadOnStartup },
    result: 'An object: warnings.',
    examples: [['savings']],
  },
  migratewallet: {
    description: 'Core migrates a legacy wallet to descriptors here. Every powcoin wallet is a descriptor wallet from its creation, so this answers as Core does for one: -4 "Error: This wallet is already a descriptor wallet". -8 when neither the endpoint (/wallet/<name>, --rpcwallet) nor wallet_name names a wallet, or they differ; -4 for a wallet that does not exist.',
    args: { wallet_name: { type: 'string', text: "The wallet to migrate (default: the endpoint's)" }, passphrase: { type: 'string', text: 'The passphrase of an encrypted legacy wallet (unused)' } },
    result: 'Nothing: it always fails with -4 (there is no legacy wallet to migrate).',
    examples: [['']],
  },
  listwallets: { result: 'An array of the names of the loaded wallets ("" is the default wallet).', examples: [[]] },
  listwalletdir: { result: 'An object: wallets [{name}], every wallet in the wallet folder.', examples: [[]] },
  dumpmnemonic: {
    description: "The wallet's 24 BIP39 words: its whole seed, keep them offline (powcoin only; Core has no mnemonic). An encrypted wallet needs its passphrase, locked or not: -13 without it, -14 wrong.",
    args: { passphrase: { type: 'string', text: 'The wallet passphrase (needed when the wallet is encrypted)' } },
    result: '"words" (string) 24 words separated by spaces.',
    examples: [[], ['my pass phrase']],
  },
  walletpassphrasechange: {
    description: 'Changes the passphrase of an encrypted wallet; it is locked afterwards. -14 for a wrong old passphrase, -15 for an unencrypted wallet.',
    args: { oldpassphrase: { type: 'string', text: 'The current passphrase' }, newpassphrase: { type: 'string', text: 'The new passphrase' } },
    result: 'null',
    examples: [['old pass phrase', 'new pass phrase']],
  },
  getconfirmationsneeded: {
    description: "How many confirmations a payment needs before an attacker with attacker_share of the hash rate reverses it with probability under risk, by the whitepaper's section 11 (powcoin only). blocks_after is the whitepaper's z; confirmations is z + 1. A share of 0.5 or more is -8.",
    args: {
      attacker_share: { type: 'numeric', text: "The attacker's share of the hash rate, below 0.5 (default: --attackershare, 0.1)" },
      risk: { type: 'numeric', text: 'The reversal probability to stay under (default=0.001)' },
    },
    result: 'An object: confirmations, blocks_after, reversal_probability, attacker_share, risk.',
    examples: [[], [0.1, 0.001]],
  },
};

export const walletSpendHelp: HelpTable = {
  bumpfee: {
    description: 'Replaces an unconfirmed send of this wallet with one paying a higher fee rate (BIP125). The fee comes out of the change; confirmed coins are added when the change cannot pay it. The original stays in the wallet with replaced_by_txid.',
    args: bumpOptions,
    result: 'An object: txid (the replacement), origfee, fee, errors.',
    examples: [[TXID], [TXID, { fee_rate: 10 }]],
  },
  psbtbumpfee: {
    description: 'The replacement bumpfee would make, as an unsigned PSBT; nothing is signed or recorded, so it works on a locked wallet. Sign it with walletprocesspsbt and send it with sendrawtransaction.',
    args: bumpOptions,
    result: 'An object: psbt (base64), origfee, fee, errors.',
    examples: [[TXID], [TXID, { fee_rate: 10 }]],
  },
  abandontransaction: {
    description: 'Gives up on a wallet transaction that is neither confirmed nor in the mempool (evicted, or replaced), and on its wallet descendants: their inputs can be spent again. -5 for a tx that is confirmed, conflicted by a block, in the mempool, or not the wallet\'s.',
    args: { txid: { type: 'string', text: 'The transaction id' } },
    result: 'null',
    examples: [[TXID]],
  },
  getreceivedbyaddress: {
    args: {
      address: { type: 'string', text: 'An address of this wallet (-4 otherwise)' },
      minconf: { type: 'numeric', text: 'Only transactions with at least this many confirmations (default=1)' },
      include_immature_coinbase: immature,
    },
    result: 'amount (numeric) the total received.',
    examples: [[ADDRESS], [ADDRESS, 6]],
  },
  listreceivedbyaddress: {
    args: {
      minconf: { type: 'numeric', text: 'Only transactions with at least this many confirmations (default=1)' },
      include_empty: { type: 'boolean', text: 'Also list addresses handed out but never paid (default=false)' },
      include_watchonly: ignored,
      address_filter: { type: 'string', text: 'Only this address' },
      include_immature_coinbase: immature,
    },
    result: 'An array of {address, amount, confirmations, label, txids}.',
    examples: [[], [6, true]],
  },
  listaddressgroupings: { result: 'An array of groups, each an array of [address, amount, label] an observer of the chain can link.', examples: [[]] },
  listsinceblock: {
    args: {
      blockhash: { type: 'string', text: 'List transactions after this block (default: all)' },
      target_confirmations: { type: 'numeric', text: 'lastblock is the block with this many confirmations (default=1)' },
      include_watchonly: ignored,
      include_removed: { type: 'boolean', text: 'When blockhash left the chain, list the wallet transactions of its branch\'s blocks (down to the fork) in removed (default=true)' },
      include_change: { type: 'boolean', text: 'Also list change outputs (default=false)' },
      label: { type: 'string', text: 'Only received entries of addresses with this label (no sends)' },
    },
    result: 'An object: transactions (as listtransactions), removed (with include_removed), lastblock (to pass next time).',
    examples: [[], [HASH, 6]],
  },
  signmessage: {
    description: "Signs a message with the key of one of our addresses: base64 of a BIP137 header (39 + recovery id for P2WPKH) and the compact signature, over Bitcoin's signed-message digest. Needs an unlocked wallet.",
    args: { address: { type: 'string', text: 'An address of this wallet' }, message: { type: 'string', text: 'The message to sign' } },
    result: '"signature" (string) base64.',
    examples: [[SIGNER, 'hello']],
  },
};
