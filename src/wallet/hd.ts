/**
 * BIP39 mnemonics and BIP32/BIP84 derivation. Keys live at m/84'/coin'/0'/branch/index, with
 * coin type 0' on main and 1' on every test network (test, regtest, custom), and branch 0 for
 * receiving, 1 for change. The account's extended public key is kept in plain text so addresses
 * (and the gap-limit lookahead) can be derived while the wallet is locked; private keys need the
 * seed, which only an unlocked wallet holds.
 */
import { HDKey } from '@scure/bip32';
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import type { NetworkParams } from '../params/types.js';
import { privateChild, publicChild } from './derive.js';
import { WalletError } from './errors.js';

/** 0: receiving addresses; 1: change (BIP44's "internal" chain). */
export type KeyBranch = 0 | 1;

const PURPOSE = 84;
/** 24 words, as the wallet is the only copy of the coins' keys. */
const MNEMONIC_STRENGTH = 256;

export function coinType(params: NetworkParams): number {
  return params.name === 'main' || params.name === 'bitcoin' ? 0 : 1;
}

export function accountPath(params: NetworkParams): string {
  return `m/${PURPOSE}'/${coinType(params)}'/0'`;
}

export function keyPath(params: NetworkParams, branch: KeyBranch, index: number): string {
  return `${accountPath(params)}/${branch}/${index}`;
}

export function newMnemonic(): string {
  return generateMnemonic(wordlist, MNEMONIC_STRENGTH);
}

/** Normalised (single spaces, lower case) and checked against the English list and its checksum. */
export function checkMnemonic(mnemonic: string): string {
  const normal = mnemonic.trim().toLowerCase().split(/\s+/).join(' ');
  if (!validateMnemonic(normal, wordlist)) throw new WalletError('invalid-parameter', 'invalid BIP39 mnemonic');
  return normal;
}

/** The BIP32 root of a mnemonic (no BIP39 passphrase). PBKDF2 with 2048 rounds: milliseconds. */
export function masterFromMnemonic(mnemonic: string): HDKey {
  return HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic));
}

/** The account node m/84'/coin'/0' (private, for signing). */
export function accountFromMaster(master: HDKey, params: NetworkParams): HDKey {
  return master.derive(accountPath(params));
}

/** Master fingerprint as 8 hex digits, as descriptors and getaddressinfo show it. */
export function fingerprintHex(master: HDKey): string {
  return master.fingerprint.toString(16).padStart(8, '0');
}

/** Derives public keys from the account xpub: no secret needed. */
export class AccountKeys {
  private readonly branches: [HDKey, HDKey];

  constructor(xpub: string) {
    const account = HDKey.fromExtendedKey(xpub);
    this.branches = [account.deriveChild(0), account.deriveChild(1)];
  }

  publicKey(branch: KeyBranch, index: number): Uint8Array {
    return publicChild(this.branches[branch], index);
  }
}

/**
 * Branch nodes per account node, derived once: each derivation under them needs the parent's
 * public key, a point multiplication. Keyed weakly, so they go when the vault drops the account
 * node on locking.
 */
const branchNodes = new WeakMap<HDKey, [HDKey, HDKey]>();

/** Wipes and forgets the cached branch nodes of `account` (the vault calls it when locking). */
export function forgetBranchNodes(account: HDKey): void {
  for (const node of branchNodes.get(account) ?? []) node.wipePrivateData();
  branchNodes.delete(account);
}

/** The private key at branch/index under an account node (which must be private). */
export function childPrivateKey(account: HDKey, branch: KeyBranch, index: number): Uint8Array {
  let branches = branchNodes.get(account);
  if (!branches) {
    branches = [account.deriveChild(0), account.deriveChild(1)];
    branchNodes.set(account, branches);
  }
  if (!branches[branch].privateKey) throw new WalletError('wallet-error', 'account key has no private part');
  return privateChild(branches[branch], index);
}
