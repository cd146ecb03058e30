/** help entries: importdescriptors, gethdkeys, createwalletdescriptor, descriptorprocesspsbt. */
import type { HelpTable } from './types.js';

const TPRV_DESC = 'wpkh(tprv8ZgxMBicQKsPdDdJFAqvG3mt4VqsVV125X4vsor5NxK366upt6qvovLQqaCi5SJiCE1aLkt3HtxsnTpzeGu27kPC5RUCr4h3oPBPYnAvhdE/84h/1h/0h/0/*)#y9lkpxut';
const TPUB = 'tpubD6NzVbkrYhZ4Wgf68pWWfTRzdXMoepBvepfiAKtNoE7RvbAbWVfWzQxH1jbkfNk3iJ9zR65Yw6u3B2QZzpkMSTN4y8Lfm1t44HbpZX7efhZ';
const PSBT = 'cHNidP8BAHECAAAAAS6Z...';

export const walletDescriptorHelp: HelpTable = {
  importdescriptors: {
    description:
      'Imports descriptors into the wallet. Our chain pays P2WPKH only and every wallet holds private keys, so it takes wpkh() with a private key: a WIF, or a tprv (xprv on main) with a path, ranged with /* or not. Refused in the result, with Core\'s codes: watch-only descriptors (xpub, hex keys, addr(), raw(): -4, as Core in a wallet with private keys), other scripts (pkh, sh, wsh, combo, multi: -4), hardened ranges /*h (-4), a bad or missing checksum (-5), active without a range, a range on a single key, a label on a ranged or internal descriptor, next_index outside the range (-8). An active descriptor hands out getnewaddress (or, internal, change) addresses in place of the seed\'s. Keys are derived from the public form, so they are recognised while the wallet is locked; the private form is kept with the seed (sealed when encrypted). Then one rescan from 2 hours before the earliest timestamp. Needs an unlocked wallet (-13).',
    args: {
      requests: {
        type: 'json array',
        text: '[{"desc": "descriptor#checksum", "active": bool (default=false), "range": end or [begin,end] (ranged only; default the keypool size), "next_index": n, "timestamp": n or "now" (required), "internal": bool (default=false), "label": "..." (single keys only)}, ...]',
      },
    },
    result: 'An array, one object per request: success, warnings (when any), error {code, message} (when it failed).',
    examples: [[[{ desc: TPRV_DESC, timestamp: 'now', range: [0, 20] }]]],
  },
  gethdkeys: {
    description: "The wallet's BIP32 keys: its seed's root and the extended keys of imported descriptors, each with the descriptors that use it (public forms) and whether they are active. private needs an unlocked wallet (-13).",
    args: { options: { type: 'json object', text: '{"active_only": bool (default=false), "private": bool (default=false): also show xprv}' } },
    result: 'An array: [{xpub, has_private, xprv (with private), descriptors [{desc, active}]}], sorted by xpub.',
    examples: [[], [{ active_only: true }]],
  },
  createwalletdescriptor: {
    description:
      "Adds Core's BIP84 descriptors, wpkh(key/84h/coin h/0h/0/*) for receiving and .../1/* for change, from one of the wallet's HD keys, and makes them active. Only bech32: our chain pays P2WPKH only (-8 for legacy, p2sh-segwit, bech32m; -5 for an unknown type). Without hdkey, the one key behind the active descriptors (-4 when they have several). A descriptor that exists already is not made again; -4 \"Descriptor already exists\" when none is new (the seed's own, always). -5 for a key the wallet has no private key of; -13 when locked.",
    args: {
      type: { type: 'string', text: 'The address type: "bech32"' },
      options: { type: 'json object', text: '{"internal": bool (default: both), "hdkey": "xpub" (default: the active one)}' },
    },
    result: 'An object: descs, the public forms of the descriptors made.',
    examples: [['bech32', { hdkey: TPUB }]],
  },
  descriptorprocesspsbt: {
    description:
      'Updates a PSBT and signs it with the keys of the descriptors given, no wallet needed: spent outputs from the UTXO set and mempool, BIP32 origins of the keys, a signature on each P2WPKH input (the only kind our chain spends) whose key is private in a descriptor, then the inputs finalised unless finalize is false. complete is true when every input is signed; hex (the network transaction) comes with it.',
    args: {
      psbt: { type: 'string', text: 'A PSBT, base64' },
      descriptors: { type: 'json array', text: 'Descriptors, each a string or {"desc": "...", "range": end or [begin,end] (default 1000)}; checksums optional' },
      sighashtype: { type: 'string', text: 'DEFAULT, ALL, NONE, SINGLE, or with |ANYONECANPAY (default=DEFAULT, i.e. ALL)' },
      bip32derivs: { type: 'boolean', text: 'Include the BIP32 origins of the keys (default=true)' },
      finalize: { type: 'boolean', text: 'Also finalise the inputs it can (default=true)' },
    },
    result: 'An object: psbt (base64), complete, and hex when complete.',
    examples: [[PSBT, [TPRV_DESC]]],
  },
};
