/**
 * The wallet's private keys: where a key's secret comes from (the vault: HD, descriptor or
 * imported), and the calls that hand one out or take one in: signmessage, dumpprivkey,
 * importprivkey. Each needs an unlocked wallet; a key read here is zeroed after use.
 */
import type { NetworkParams } from '../params/types.js';
import { publicKeyFromPrivate, publicKeyHash } from '../primitives/keys.js';
import { toHex } from '../primitives/bytes.js';
import { checkedAddress } from './addressinfo.js';
import { descriptorPrivateKey } from './descriptor-keys.js';
import { WalletError } from './errors.js';
import type { WalletKey } from './keys.js';
import { signMessage as signWithKey } from './message.js';
import type { WalletParts } from './parts.js';
import { rescan, syncToTip } from './sync.js';
import type { Vault } from './vault.js';
import { decodeWif, encodeWif } from './wif.js';

/** The private key behind one of our keys; WalletError 'locked' while the wallet is locked. */
export function privateKeyOf(vault: Vault, key: WalletKey, params: NetworkParams): Uint8Array {
  if (key.kind === 'hd') return vault.hdPrivateKey(key.branch!, key.index!);
  if (key.kind === 'descriptor') return descriptorPrivateKey(vault.descriptorSecret(key.descriptor!.id), key, params);
  const privateKey = vault.importedPrivateKey(key.hashHex);
  if (!privateKey) throw new WalletError('wallet-error', `Private key for address ${key.address} is not known`);
  return privateKey;
}

/** Core's signmessage, with BIP137's P2WPKH header. */
export function signMessage(parts: WalletParts, address: string, message: string): string {
  const key = parts.ctx.keys.byAddress(checkedAddress(address, parts.ctx.params));
  if (!key) throw new WalletError('wallet-error', 'Private key not available');
  const privateKey = parts.privateKey(key);
  try {
    return signWithKey(privateKey, message);
  } finally {
    privateKey.fill(0);
  }
}

/** Core's dumpprivkey: WIF of the key behind one of our addresses. */
export function dumpPrivKey(parts: WalletParts, address: string): string {
  const key = parts.ctx.keys.byAddress(checkedAddress(address, parts.ctx.params));
  if (!key) throw new WalletError('wallet-error', `Private key for address ${address} is not known`);
  const privateKey = parts.privateKey(key);
  try {
    return encodeWif(privateKey, parts.ctx.params);
  } finally {
    privateKey.fill(0);
  }
}

/** Core's importprivkey; with `rescanChain`, the whole chain is scanned for coins paid to the key. */
export async function importPrivKey(parts: WalletParts, wif: string, label: string, rescanChain: boolean): Promise<void> {
  const { ctx } = parts;
  const privateKey = decodeWif(wif, ctx.params);
  const publicKey = publicKeyFromPrivate(privateKey);
  const hashHex = toHex(publicKeyHash(publicKey));
  const secret = parts.vault.addImported(hashHex, privateKey); // throws 'locked' before anything changes
  privateKey.fill(0);
  const key = ctx.keys.addImported(publicKey, label);
  key.label = label;
  await ctx.store.batch().put('secret', secret).put(`imported/${hashHex}`, { publicKey: toHex(publicKey), label }).write();
  ctx.logger.info({ wallet: parts.name, address: key.address }, 'key imported');
  if (rescanChain) {
    await syncToTip(ctx);
    await rescan(ctx, 0, ctx.sync.height);
  }
}
