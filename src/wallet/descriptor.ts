/**
 * Output descriptors for getaddressinfo's `desc`: `wpkh([fingerprint/84h/1h/0h/0/5]pubkey)` with
 * BIP380's checksum, so tools that read Core's answers can read ours.
 */
export { addChecksum } from '../primitives/descriptor/checksum.js';
import { addChecksum } from '../primitives/descriptor/checksum.js';

/** `m/84'/1'/0'/0/5` → `84h/1h/0h/0/5`, as Core writes key origins. */
export function originPath(hdPath: string): string {
  return hdPath.replace(/^m\//, '').replaceAll("'", 'h');
}

export function wpkhDescriptor(publicKeyHex: string, origin?: { fingerprint: string; path: string }): string {
  const key = origin ? `[${origin.fingerprint}/${originPath(origin.path)}]${publicKeyHex}` : publicKeyHex;
  return addChecksum(`wpkh(${key})`);
}
