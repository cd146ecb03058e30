/**
 * Core's descriptorprocesspsbt: a PSBT updated and signed with the keys of descriptors the
 * caller gives (not the wallet's): spent outputs from the UTXO set and mempool, BIP32 origins of
 * the descriptors' keys, a signature for each P2WPKH input whose key is private in a descriptor,
 * then finalised when asked. The only outputs our chain spends are P2WPKH (DESIGN.md), so only
 * those inputs are signed, whatever other scripts a descriptor expands to.
 */
import { finalizePsbt, extractTransaction, isInputFinal } from '../../consensus/psbt-roles.js';
import { signP2wpkhInput } from '../../consensus/p2wpkh.js';
import { p2wpkhScript } from '../../consensus/script.js';
import { SighashCache } from '../../consensus/sighash.js';
import type { NetworkParams } from '../../params/types.js';
import { toHex } from '../../primitives/bytes.js';
import type { ExpandedKey } from '../../primitives/descriptor/descriptor.js';
import { publicKeyHash } from '../../primitives/keys.js';
import { Psbt, type KeyOrigin } from '../../primitives/psbt.js';
import { RpcCode, RpcError, invalidParameter, typeError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import { type Params, jsonType } from '../params.js';
import { derived, parseDescriptor, parseRange } from './descriptors.js';
import { addSpentOutputs, psbtCall, spentOrUndefined } from './psbt.js';
import { parseSighash } from './rawtx-construct.js';
import { type RpcMethod, optional, required } from './types.js';

/** Core's default range for a ranged descriptor given without one. */
const DEFAULT_RANGE = 1000;

/** P2WPKH script hex → the key behind it, from every descriptor given (Core's FlatSigningProvider). */
export function descriptorKeys(items: unknown[], params: NetworkParams): Map<string, ExpandedKey> {
  const keys = new Map<string, ExpandedKey>();
  for (const item of items) {
    let text: unknown = item;
    let range: unknown = DEFAULT_RANGE;
    if (jsonType(item) === 'object') {
      const fields = item as { desc?: unknown; range?: unknown };
      if (fields.desc === undefined || fields.desc === null) throw invalidParameter('Descriptor needs to be provided in scan object');
      if (typeof fields.desc !== 'string') throw typeError(`JSON value of type ${jsonType(fields.desc)} is not of expected type string`);
      text = fields.desc;
      range = fields.range ?? DEFAULT_RANGE;
    } else if (typeof item !== 'string') {
      throw invalidParameter('Scan object needs to be either a string or an object');
    }
    const descriptor = parseDescriptor(text as string, params, false);
    const [begin, end] = descriptor.isRange ? parseRange(range) : [0, 0];
    for (let index = begin; index <= end; index++) {
      for (const key of derived(() => descriptor.expand(index)).keys) {
        if (key.publicKey.length !== 33) continue; // P2WPKH takes compressed keys only
        const hex = toHex(p2wpkhScript(publicKeyHash(key.publicKey)));
        if (!keys.get(hex)?.privateKey) keys.set(hex, key);
      }
    }
  }
  return keys;
}

function origin(key: ExpandedKey): KeyOrigin {
  return { publicKey: key.publicKey, fingerprint: key.origin.fingerprint, path: key.origin.path.map((step) => step.index) };
}

/** Adds origins (when `bip32derivs`) and signatures to every input and output the keys cover. */
function signWith(psbt: Psbt, keys: ReadonlyMap<string, ExpandedKey>, sighashType: number, bip32derivs: boolean): void {
  const tx = psbt.tx;
  const cache = new SighashCache(tx);
  for (let i = 0; i < psbt.inputCount; i++) {
    const view = psbt.input(i);
    if (isInputFinal(view)) continue;
    const spent = spentOrUndefined(psbt, i);
    const key = spent && keys.get(toHex(spent.script));
    if (!spent || !key) continue;
    if (bip32derivs && view.bip32Derivation.length === 0) psbtCall(() => psbt.updateInput(i, { bip32Derivation: [origin(key)] }));
    if (!key.privateKey) continue;
    if (view.sighashType !== undefined && view.sighashType !== sighashType) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'Specified sighash value does not match value stored in PSBT');
    const [signature, publicKey] = signP2wpkhInput(tx, i, spent.value, key.privateKey, sighashType, cache, key.publicKey);
    psbtCall(() => psbt.updateInput(i, { partialSig: { signature, publicKey } }));
  }
  if (!bip32derivs) return;
  for (let i = 0; i < psbt.outputCount; i++) {
    const key = keys.get(toHex(tx.outputs[i].script));
    if (key && psbt.outputDerivation(i).length === 0) psbtCall(() => psbt.updateOutput(i, [origin(key)]));
  }
}

async function descriptorProcessPsbt(p: Params, ctx: RpcContext): Promise<unknown> {
  const text = p.string(0);
  if (text === undefined) throw invalidParameter('psbt is required');
  const psbt = psbtCall(() => Psbt.fromBase64(text));
  const keys = descriptorKeys(p.array(1), ctx.params);
  const sighashType = parseSighash(p, 2);
  const bip32derivs = p.bool(3, true);
  const finalize = p.bool(4, true);
  await addSpentOutputs(psbt, ctx);
  signWith(psbt, keys, sighashType, bip32derivs);
  // As Core: `complete` when every input has what it needs, finalised or not; the hex then comes from a finalised copy.
  const finalised = finalize ? psbt : psbtCall(() => Psbt.fromBase64(psbt.toBase64()));
  const complete = psbtCall(() => finalizePsbt(finalised));
  const result: Record<string, unknown> = { psbt: psbt.toBase64(), complete };
  if (complete) result.hex = toHex(psbtCall(() => extractTransaction(finalised)).encode());
  return result;
}

export const psbtDescriptorMethods: RpcMethod[] = [
  {
    name: 'descriptorprocesspsbt',
    group: 'rawtransactions',
    args: [required('psbt'), required('descriptors'), optional('sighashtype'), optional('bip32derivs'), optional('finalize')],
    summary: 'Updates a PSBT and signs its P2WPKH inputs with the keys of the descriptors given (no wallet needed).',
    run: descriptorProcessPsbt,
  },
];
