/** Address parsing shared by mining and wallet methods, with Core's -5 errors. */
import { AddressError, addressToScript, decodeSegwitAddress } from '../../primitives/address.js';
import { RpcCode, RpcError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import { toHex } from '../../primitives/bytes.js';
import { type RpcMethod, required } from './types.js';

/** The output script an address pays; -5 "Error: Invalid address" otherwise. */
export function addressScript(ctx: RpcContext, address: string): Uint8Array {
  try {
    return addressToScript(address, ctx.params.bech32Prefix);
  } catch (err) {
    if (err instanceof AddressError) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Error: Invalid address');
    throw err;
  }
}

/** Core's validateaddress; needs no wallet. */
export function validateAddress(ctx: RpcContext, address: string): Record<string, unknown> {
  try {
    const script = addressToScript(address, ctx.params.bech32Prefix);
    const decoded = decodeSegwitAddress(address, ctx.params.bech32Prefix);
    return { isvalid: true, address, scriptPubKey: toHex(script), isscript: false, iswitness: true, witness_version: decoded.version, witness_program: toHex(decoded.program) };
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    return { isvalid: false, error: err.message };
  }
}

export const addressMethods: RpcMethod[] = [
  { name: 'validateaddress', group: 'util', args: [required('address')], summary: 'Whether an address is valid on this network, and its script.', run: (p, ctx) => validateAddress(ctx, p.string(0) ?? '') },
];
