/**
 * Output descriptors over RPC (Core's util/generating methods): getdescriptorinfo,
 * deriveaddresses, generatetodescriptor. The parsing lives in primitives/descriptor.
 */
import { isP2wpkhScript } from '../../consensus/script.js';
import { Descriptor, DescriptorError, descriptorChecksum, splitChecksum } from '../../primitives/descriptor/descriptor.js';
import type { NetworkParams } from '../../params/types.js';
import { RpcCode, RpcError, invalidParameter, typeError } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { generate } from './mining.js';
import { type RpcMethod, optional, required } from './types.js';

/** Parses a descriptor argument; a bad one is Core's -5 with the parser's reason. */
export function descriptorArg(p: Params, index: number, params: NetworkParams, requireChecksum: boolean): Descriptor {
  const text = p.raw(index);
  if (typeof text !== 'string') throw typeError('JSON value is not a string as expected');
  return parseDescriptor(text, params, requireChecksum);
}

export function parseDescriptor(text: string, params: NetworkParams, requireChecksum: boolean): Descriptor {
  try {
    return Descriptor.parse(text, params, { requireChecksum });
  } catch (err) {
    if (err instanceof DescriptorError) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, err.message);
    throw err;
  }
}

/** Core's ParseDescriptorRange: `n` is [0, n]; `[begin, end]` as given; at most 1,000,000 indexes. */
export function parseRange(value: unknown): [number, number] {
  let range: [number, number];
  if (typeof value === 'number') range = [0, value];
  else if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) range = [value[0], value[1]];
  else throw invalidParameter('Range must be specified as end or as [begin,end]');
  if (!range.every(Number.isInteger)) throw typeError('JSON integer out of range');
  if (range[0] < 0 || range[1] < 0) throw invalidParameter('Range should be greater or equal than 0');
  if (range[1] >= 0x80000000) throw invalidParameter('End of range is too high');
  if (range[1] < range[0]) throw invalidParameter('Range specified as [begin,end] must not have begin after end');
  if (range[1] - range[0] >= 1_000_000) throw invalidParameter('Range is too large');
  return range;
}

/** Runs a derivation, turning a DescriptorError (a hardened step without private key) into -5. */
export function derived<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof DescriptorError) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, err.message);
    throw err;
  }
}

function getDescriptorInfo(p: Params, ctx: RpcContext): unknown {
  const text = p.raw(0);
  if (typeof text !== 'string') throw typeError('JSON value is not a string as expected');
  const descriptor = parseDescriptor(text, ctx.params, false);
  return {
    descriptor: descriptor.toString(true),
    checksum: descriptorChecksum(splitChecksum(text, false)),
    isrange: descriptor.isRange,
    issolvable: descriptor.isSolvable,
    hasprivatekeys: descriptor.hasPrivateKeys,
  };
}

function deriveAddresses(p: Params, ctx: RpcContext): string[] {
  const descriptor = descriptorArg(p, 0, ctx.params, true);
  if (!descriptor.isRange && p.has(1)) throw invalidParameter('Range should not be specified for an un-ranged descriptor');
  if (descriptor.isRange && !p.has(1)) throw invalidParameter('Range must be specified for a ranged descriptor');
  const [begin, end] = descriptor.isRange ? parseRange(p.raw(1)) : [0, 0];
  const addresses: string[] = [];
  for (let i = begin; i <= end; i++) addresses.push(...derived(() => descriptor.addresses(i)));
  return addresses;
}

async function generateToDescriptor(p: Params, ctx: RpcContext): Promise<string[]> {
  const count = p.int(0, { min: 0, what: 'nblocks must be non-negative' });
  const descriptor = descriptorArg(p, 1, ctx.params, false);
  const maxTries = p.int(2, { fallback: 1_000_000, min: 1, what: 'maxtries must be at least 1' });
  if (descriptor.isRange) throw invalidParameter('Ranged descriptor not accepted. Maybe pass through deriveaddresses first?');
  const { scripts } = derived(() => descriptor.expand(0));
  if (scripts.length !== 1) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Cannot derive script without private keys');
  // Our chain's outputs are P2WPKH only (DESIGN.md): a coinbase paying anything else makes an invalid block.
  if (!isP2wpkhScript(scripts[0])) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Descriptor must give a P2WPKH output script: the only kind our chain pays');
  return generate(ctx, count, scripts[0], maxTries);
}

export const descriptorMethods: RpcMethod[] = [
  { name: 'getdescriptorinfo', group: 'util', args: [required('descriptor')], summary: 'Analyses an output descriptor: its public form with checksum, and whether it is ranged, solvable and holds private keys.', run: (p, ctx) => getDescriptorInfo(p, ctx) },
  { name: 'deriveaddresses', group: 'util', args: [required('descriptor'), optional('range')], summary: 'The addresses an output descriptor (with checksum) stands for, over a range for a ranged one.', run: (p, ctx) => deriveAddresses(p, ctx) },
  { name: 'generatetodescriptor', group: 'generating', args: [required('num_blocks'), required('descriptor'), optional('maxtries')], summary: 'Mines blocks at once paying to the output a descriptor stands for; answers their hashes.', run: generateToDescriptor },
];
