/** validateaddress and getaddressinfo in Core's shapes. */
import type { NetworkParams } from '../params/types.js';
import { AddressError, decodeAddress, segwitOutputScript } from '../primitives/address.js';
import { toHex } from '../primitives/bytes.js';
import { wpkhDescriptor } from './descriptor.js';
import { WalletError } from './errors.js';
import type { KeyRing } from './keys.js';

export interface ValidateAddressResult {
  isvalid: boolean;
  address?: string;
  scriptPubKey?: string;
  isscript?: boolean;
  iswitness?: boolean;
  witness_version?: number;
  witness_program?: string;
  error?: string;
}

export interface AddressInfo {
  address: string;
  scriptPubKey: string;
  ismine: boolean;
  solvable: boolean;
  desc?: string;
  iswatchonly: false;
  isscript: false;
  iswitness: true;
  witness_version: 0;
  witness_program: string;
  pubkey?: string;
  iscompressed?: boolean;
  ischange: boolean;
  hdkeypath?: string;
  hdmasterfingerprint?: string;
  labels: string[];
}

export function validateAddress(address: string, params: NetworkParams): ValidateAddressResult {
  try {
    const { program } = decodeAddress(address, params.bech32Prefix);
    return {
      isvalid: true,
      address: address.toLowerCase(),
      scriptPubKey: toHex(segwitOutputScript(0, program)),
      isscript: false,
      iswitness: true,
      witness_version: 0,
      witness_program: toHex(program),
    };
  } catch (err) {
    if (err instanceof AddressError) return { isvalid: false, error: err.message };
    throw err;
  }
}

export function addressInfo(address: string, params: NetworkParams, keys: KeyRing, fingerprint: string): AddressInfo {
  const valid = validateAddress(address, params);
  if (!valid.isvalid) throw new WalletError('invalid-address-or-key', `Invalid address: ${valid.error}`);
  const base = { address: valid.address!, scriptPubKey: valid.scriptPubKey!, iswatchonly: false, isscript: false, iswitness: true, witness_version: 0, witness_program: valid.witness_program! } as const;
  const key = keys.byAddress(address);
  if (!key) return { ...base, ismine: false, solvable: false, ischange: false, labels: [] };
  const pubkey = toHex(key.publicKey);
  const origin = key.path !== undefined ? { fingerprint, path: key.path } : undefined;
  const info: AddressInfo = {
    ...base,
    ismine: true,
    solvable: true,
    desc: wpkhDescriptor(pubkey, origin),
    pubkey,
    iscompressed: true,
    ischange: key.kind === 'hd' && key.branch === 1,
    labels: key.label !== undefined ? [key.label] : [],
  };
  if (origin) Object.assign(info, { hdkeypath: key.path, hdmasterfingerprint: fingerprint });
  return info;
}

/** `address` lower-cased when it is one of this network's; WalletError -5 otherwise. */
export function checkedAddress(address: string, params: NetworkParams): string {
  try {
    decodeAddress(address, params.bech32Prefix);
    return address.toLowerCase();
  } catch (err) {
    if (err instanceof AddressError) throw new WalletError('invalid-address-or-key', `Invalid address: ${err.message}`);
    throw err;
  }
}
