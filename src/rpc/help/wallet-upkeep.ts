/** help entries: keypoolrefill, setwalletflag, abortrescan, importprunedfunds, removeprunedfunds, simulaterawtransaction. */
import type { HelpTable } from './types.js';

const TXID = 'a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d';

export const walletUpkeepHelp: HelpTable = {
  keypoolrefill: {
    description:
      'Derives receive and change addresses ahead of the last one handed out, so payments to them are recognised (the lookahead, Core\'s keypool); getwalletinfo\'s keypoolsize shows it, and it is kept across restarts. Never shrinks the pool. Needs an unlocked wallet when encrypted (-13). -8 for a negative size, -4 above 10000 keys.',
    args: { newsize: { type: 'numeric', text: 'Keys to keep derived past the last one handed out, per branch (default: the wallet\'s lookahead, 20)' } },
    result: 'null',
    examples: [[], [100]],
  },
  setwalletflag: {
    description:
      'Changes a wallet flag. Only avoid_reuse can change: while it is set, coins on an address the wallet has already spent from are left out of coin selection and of getbalance/getbalances\' trusted and untrusted_pending (getbalances shows them as mine.used), listunspent marks them reused, and getwalletinfo says avoid_reuse. Which addresses were spent from is worked out from the whole wallet history. Kept across restarts. -8 for an unknown or immutable flag, or one already in that state.',
    args: {
      flag: { type: 'string', text: 'The flag: avoid_reuse' },
      value: { type: 'boolean', text: 'The new state (default=true)' },
    },
    result: 'An object: flag_name, flag_state, and warnings (when turning avoid_reuse on).',
    examples: [['avoid_reuse'], ['avoid_reuse', false]],
  },
  abortrescan: {
    description: 'Stops a running rescan (rescanblockchain, importprivkey with rescan); the rescan call then fails with -1 "Rescan aborted by user.", keeping what it found so far.',
    result: 'true when a rescan was running and is stopping, false otherwise.',
    examples: [[]],
  },
  importprunedfunds: {
    description:
      "Adds a transaction paying the wallet without a rescan, given gettxoutproof's proof that it is in a main-chain block the wallet has processed. -22 for an undecodable tx or proof, -5 when the proof does not hash to its header's merkle root, its block is not in the chain, the tx is not in the proof, or no output pays the wallet.",
    args: {
      rawtransaction: { type: 'string', text: 'The raw transaction in hex' },
      txoutproof: { type: 'string', text: 'The hex proof from gettxoutproof holding the transaction' },
    },
    result: 'null',
    examples: [['0200000001...', '00000020...']],
  },
  removeprunedfunds: {
    description: 'Deletes a transaction from the wallet (a companion to importprunedfunds; any wallet transaction can be removed). Balances change accordingly; a rescan finds it again. -4 when the wallet does not hold it.',
    args: { txid: { type: 'string', text: 'The txid to delete' } },
    result: 'null',
    examples: [[TXID]],
  },
  simulaterawtransaction: {
    description:
      "How the wallet's balance would change if the transactions were signed and broadcast, applied in order: inputs spending the wallet's outputs subtract their value, outputs paying it add theirs, and a later transaction may spend an earlier one's outputs. -22 for undecodable hex; -8 when an input is neither unspent on chain, nor an output of a mempool or earlier listed transaction, or when an output is spent twice.",
    args: {
      rawtxs: { type: 'json array', text: 'The raw transactions in hex, in order' },
      options: { type: 'json object', text: 'include_watchonly (boolean; there are no watch-only scripts, so it changes nothing)' },
    },
    result: 'An object: balance_change (negative when the balance would go down).',
    examples: [[['0200000001...']]],
  },
};
