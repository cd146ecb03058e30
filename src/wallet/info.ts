/** getwalletinfo's and listunspent's answers, read from the wallet's memory. */
import { toHex } from '../primitives/bytes.js';
import { checkedAddress } from './addressinfo.js';
import type { WalletCoin } from './coins.js';
import { wpkhDescriptor } from './descriptor.js';
import type { WalletParts } from './parts.js';
import type { UnspentEntry, WalletInfo } from './results.js';

const WALLET_VERSION = 169900;
export const DEFAULT_MAXCONF = 9_999_999;

export function walletInfo({ ctx, vault, name }: WalletParts): WalletInfo {
  const balances = ctx.ledger.balances(ctx.sync.height, 0);
  const info: WalletInfo = {
    walletname: name,
    walletversion: WALLET_VERSION,
    format: 'leveldb',
    balance: balances.trusted,
    unconfirmed_balance: balances.untrusted_pending,
    immature_balance: balances.immature,
    txcount: ctx.ledger.txs.size,
    keypoolsize: ctx.keys.keypoolSize(0),
    keypoolsize_hd_internal: ctx.keys.keypoolSize(1),
    paytxfee: 0n,
    private_keys_enabled: true,
    avoid_reuse: ctx.ledger.avoidReuse,
    scanning: ctx.scan!.info(),
    descriptors: true, // importdescriptors, listdescriptors, gethdkeys: a descriptor wallet, as Core's
    lastprocessedblock: { hash: ctx.sync.hash, height: ctx.sync.height },
  };
  if (vault.isEncrypted) info.unlocked_until = Math.floor(vault.unlockedUntil);
  return info;
}

/** Core's listunspent: our coins between minconf and maxconf deep, optionally paid to `addresses` only. */
export function listUnspent({ ctx, fingerprint }: WalletParts, minconf: number, maxconf: number, addresses?: readonly string[]): UnspentEntry[] {
  const wanted = addresses && new Set(addresses.map((address) => checkedAddress(address, ctx.params)));
  return ctx.ledger
    .unspent(ctx.sync.height, { includeReused: true })
    .filter((coin) => coin.depth >= minconf && coin.depth <= maxconf && (!wanted || wanted.has(coin.key.address)))
    .map((coin) => unspentEntry(coin, fingerprint, ctx.ledger.avoidReuse ? ctx.ledger.isReused(coin) : undefined));
}

function unspentEntry(coin: WalletCoin, fingerprint: string, reused: boolean | undefined): UnspentEntry {
  const { key } = coin;
  const origin = key.path !== undefined ? { fingerprint, path: key.path } : undefined;
  return {
    txid: coin.txid,
    vout: coin.vout,
    address: key.address,
    ...(key.label !== undefined ? { label: key.label } : {}),
    scriptPubKey: key.scriptHex,
    amount: coin.value,
    confirmations: coin.depth,
    spendable: true,
    solvable: true,
    ...(reused !== undefined ? { reused } : {}),
    desc: wpkhDescriptor(toHex(key.publicKey), origin),
    safe: coin.depth >= 1 || coin.trusted,
  };
}
